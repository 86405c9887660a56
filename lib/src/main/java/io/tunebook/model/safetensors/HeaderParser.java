package io.tunebook.model.safetensors;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the JSON header of a safetensors file into validated {@link TensorEntry}s: every entry is
 * checked on its own here (known dtype, sane shape, byte range matching shape and dtype), then
 * against the others and the data section by {@link DataLayout}.
 */
final class HeaderParser {
    static final String METADATA_KEY = "__metadata__";

    private HeaderParser() {}

    /**
     * @param header   the header bytes, as read from the file
     * @param dataSize length of the data section that follows the header in the file
     */
    static Header parse(Path file, byte[] header, long dataSize) throws SafetensorsException {
        String json = StrictJson.utf8(header, file, "the header");
        try {
            JsonReader r = StrictJson.reader(json);
            StrictJson.expect(r, JsonToken.BEGIN_OBJECT, file, null, "the header");
            Map<String, String> metadata = Map.of();
            List<TensorEntry> entries = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                if (!seen.add(name)) {
                    throw new SafetensorsException(file, name, "appears twice in the header");
                }
                if (name.equals(METADATA_KEY)) {
                    metadata = readMetadata(r, file);
                } else {
                    entries.add(readEntry(r, file, name));
                }
            }
            r.endObject();
            StrictJson.expectEnd(r, file, "the header");
            DataLayout.check(file, entries, dataSize);
            return new Header(metadata, entries);
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson reports malformed JSON through these; none of them can come from I/O on a string.
            throw new SafetensorsException(file, null, "header is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> readMetadata(JsonReader r, Path file) throws IOException {
        if (r.peek() == JsonToken.NULL) {
            r.nextNull();
            return Map.of();
        }
        return StrictJson.stringMap(r, file, METADATA_KEY);
    }

    private static TensorEntry readEntry(JsonReader r, Path file, String name) throws IOException {
        StrictJson.expect(r, JsonToken.BEGIN_OBJECT, file, name, "the entry");
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        r.beginObject();
        while (r.hasNext()) {
            String field = r.nextName();
            switch (field) {
                case "dtype" -> {
                    rejectRepeat(dtypeName, file, name, field);
                    dtypeName = StrictJson.string(r, file, name, field);
                }
                case "shape" -> {
                    rejectRepeat(shape, file, name, field);
                    shape = readLongs(r, file, name, field);
                }
                case "data_offsets" -> {
                    rejectRepeat(offsets, file, name, field);
                    offsets = readLongs(r, file, name, field);
                }
                // Hugging Face's reader ignores unknown fields; so do we.
                default -> StrictJson.skip(r, file, name, "field " + Quote.of(field));
            }
        }
        r.endObject();
        if (dtypeName == null || shape == null || offsets == null) {
            String missing = dtypeName == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw new SafetensorsException(file, name, "missing field '" + missing + "'");
        }
        return toEntry(file, name, dtypeName, shape, offsets);
    }

    private static void rejectRepeat(Object earlier, Path file, String name, String field)
            throws SafetensorsException {
        if (earlier != null) {
            throw new SafetensorsException(file, name, "field '" + field + "' appears twice");
        }
    }

    private static TensorEntry toEntry(Path file, String name, String dtypeName, long[] shape, long[] offsets)
            throws SafetensorsException {
        Dtype dtype;
        try {
            dtype = Dtype.fromSafetensorsName(dtypeName);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsException(file, name, e.getMessage());
        }
        if (offsets.length != 2) {
            throw new SafetensorsException(file, name, "data_offsets must hold 2 numbers [begin, end], found "
                    + offsets.length);
        }
        String range = "data_offsets [" + offsets[0] + ", " + offsets[1] + "]";
        if (offsets[0] > offsets[1]) {
            throw new SafetensorsException(file, name, range + " end before they begin");
        }
        long bytes;
        try {
            bytes = TensorEntry.byteCount(dtype, shape);
        } catch (ArithmeticException e) {
            throw new SafetensorsException(file, name, "shape " + Quote.shape(shape) + " of " + dtype
                    + " overflows a 64-bit byte count");
        }
        if (bytes != offsets[1] - offsets[0]) {
            throw new SafetensorsException(file, name, "shape " + Quote.shape(shape) + " of " + dtype + " needs "
                    + bytes + " bytes but " + range + " span " + (offsets[1] - offsets[0]));
        }
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] readLongs(JsonReader r, Path file, String tensor, String what) throws IOException {
        StrictJson.expect(r, JsonToken.BEGIN_ARRAY, file, tensor, what);
        long[] values = new long[4];
        int n = 0;
        r.beginArray();
        while (r.hasNext()) {
            long value = StrictJson.nonNegativeLong(r, file, tensor, what + "[" + n + "]");
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = value;
        }
        r.endArray();
        return Arrays.copyOf(values, n);
    }
}
