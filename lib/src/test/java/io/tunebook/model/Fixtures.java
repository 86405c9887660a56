package io.tunebook.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the reference fixtures of {@code src/test/resources/fixtures} (see its README). */
final class Fixtures {
    static final Path ROOT = Path.of("src/test/resources/fixtures");

    private Fixtures() {
    }

    static Path dir(String name) {
        return ROOT.resolve(name);
    }

    static JsonObject reference(String name) throws IOException {
        return JsonParser.parseString(Files.readString(dir(name).resolve("reference.json"))).getAsJsonObject();
    }

    static long[][] longMatrix(JsonArray rows) {
        long[][] out = new long[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            JsonArray row = rows.get(i).getAsJsonArray();
            out[i] = new long[row.size()];
            for (int j = 0; j < row.size(); j++) {
                out[i][j] = row.get(j).getAsLong();
            }
        }
        return out;
    }

    static long[] flat(long[][] rows) {
        long[] out = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        }
        return out;
    }
}
