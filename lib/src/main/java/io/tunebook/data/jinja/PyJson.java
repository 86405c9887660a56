package io.tunebook.data.jinja;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Python's {@code json.dumps} as transformers' {@code tojson} filter calls it: {@code ensure_ascii=False},
 * separators {@code ", "} and {@code ": "} ({@code ","} between items when indenting), integers
 * without a fraction and floats with one ({@code 42} and {@code 42.0}), so a rendered tool schema
 * matches Python's byte for byte.
 */
final class PyJson {
    private final Integer indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;

    PyJson(Integer indent, String itemSeparator, String keySeparator, boolean sortKeys) {
        this.indent = indent;
        this.itemSeparator = itemSeparator != null ? itemSeparator : indent == null ? ", " : ",";
        this.keySeparator = keySeparator != null ? keySeparator : ": ";
        this.sortKeys = sortKeys;
    }

    String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    private void write(Object v, StringBuilder out, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float) {
            out.append(pyFloat(((Number) v).doubleValue()));
        } else if (v instanceof Number n) {
            out.append(n);
        } else if (v instanceof Map<?, ?> map) {
            Map<?, ?> entries = sortKeys ? new TreeMap<>(map) : map;
            writeContainer('{', '}', entries.entrySet().iterator(), out, depth, (e, o, d) -> {
                Map.Entry<?, ?> kv = (Map.Entry<?, ?>) e;
                string(String.valueOf(kv.getKey()), o);
                o.append(keySeparator);
                write(kv.getValue(), o, d);
            });
        } else if (v instanceof Iterable<?> list) {
            writeContainer('[', ']', list.iterator(), out, depth, this::write);
        } else if (v instanceof Object[] array) {
            writeContainer('[', ']', Arrays.asList(array).iterator(), out, depth, this::write);
        } else {
            string(v.toString(), out);
        }
    }

    private interface ItemWriter {
        void write(Object item, StringBuilder out, int depth);
    }

    private void writeContainer(char open, char close, Iterator<?> items, StringBuilder out, int depth,
            ItemWriter writer) {
        out.append(open);
        if (!items.hasNext()) {
            out.append(close);
            return;
        }
        boolean first = true;
        while (items.hasNext()) {
            if (!first) {
                out.append(itemSeparator);
            }
            newline(out, depth + 1);
            writer.write(items.next(), out, depth + 1);
            first = false;
        }
        newline(out, depth);
        out.append(close);
    }

    private void newline(StringBuilder out, int depth) {
        if (indent != null) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    /** Python's repr of a float: exponent form below 1e-4 and from 1e16, else positional with a fraction. */
    static String pyFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = b.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - b.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = b.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
