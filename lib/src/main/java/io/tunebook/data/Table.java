package io.tunebook.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A plain-text table with aligned columns, for the reports' {@code toString()}. */
final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();
    private final Set<Integer> right = new HashSet<>();

    Table(String... header) {
        this.header = header;
    }

    Table rightAlign(int... columns) {
        for (int c : columns) {
            right.add(c);
        }
        return this;
    }

    Table row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? String.valueOf(cells[i]).replace('\n', ' ') : "";
        }
        rows.add(r);
        return this;
    }

    @Override
    public String toString() {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, header, width);
        for (String[] r : rows) {
            line(b, r, width);
        }
        return b.toString();
    }

    private void line(StringBuilder b, String[] cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            String cell = cells[i];
            int pad = width[i] - cell.length();
            if (right.contains(i)) {
                l.append(" ".repeat(pad)).append(cell);
            } else {
                l.append(cell).append(last ? "" : " ".repeat(pad));
            }
            if (!last) {
                l.append("  ");
            }
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }
}
