package io.tunebook.model.safetensors;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code model.safetensors.index.json}, the table of sharded weights:
 * {@code {"metadata": {...}, "weight_map": {"tensor name": "shard file name", ...}}}.
 */
final class ShardIndex {
    static final String FILE_NAME = "model.safetensors.index.json";

    /** Generous: the index of a 400B-parameter model is well under a megabyte. */
    private static final int MAX_BYTES = 64 << 20;

    private ShardIndex() {}

    /**
     * The weight map, in file order, with every shard path checked to name a file inside the
     * index's own directory (the index cannot point the reader elsewhere on the disk).
     */
    static Map<String, Path> read(Path index) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(index)) {
            bytes = in.readNBytes(MAX_BYTES + 1); // bounded even if the file grows meanwhile
        }
        if (bytes.length > MAX_BYTES) {
            throw new SafetensorsException(index, "the index is over the " + MAX_BYTES + "-byte limit");
        }
        Map<String, String> weightMap = parse(index, StrictJson.utf8(bytes, index, "the index"));
        if (weightMap.isEmpty()) {
            throw new SafetensorsException(index, "weight_map lists no tensors");
        }
        Map<String, Path> shards = new LinkedHashMap<>();
        Path dir = index.toAbsolutePath().getParent().normalize();
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            shards.put(e.getKey(), resolveShard(index, dir, e.getKey(), e.getValue()));
        }
        return shards;
    }

    private static Map<String, String> parse(Path index, String json) throws SafetensorsException {
        try {
            JsonReader r = StrictJson.reader(json);
            StrictJson.expect(r, JsonToken.BEGIN_OBJECT, index, null, "the index");
            Map<String, String> weightMap = null;
            r.beginObject();
            while (r.hasNext()) {
                String key = r.nextName();
                if (key.equals("weight_map")) {
                    if (weightMap != null) {
                        throw new SafetensorsException(index, "weight_map appears twice");
                    }
                    weightMap = StrictJson.stringMap(r, index, "weight_map");
                } else {
                    StrictJson.skip(r, index, null, Quote.of(key));
                }
            }
            r.endObject();
            StrictJson.expectEnd(r, index, "the index");
            if (weightMap == null) {
                throw new SafetensorsException(index, "the index has no weight_map");
            }
            return weightMap;
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson reports malformed JSON through these; none of them can come from I/O on a string.
            throw new SafetensorsException(index, null, "the index is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Path resolveShard(Path index, Path dir, String tensor, String shard) throws SafetensorsException {
        Path resolved;
        try {
            Path relative = Path.of(shard);
            resolved = relative.isAbsolute() ? null : dir.resolve(relative).normalize();
        } catch (InvalidPathException e) {
            resolved = null;
        }
        if (resolved == null || !resolved.startsWith(dir) || resolved.equals(dir)) {
            throw new SafetensorsException(index, tensor, "shard " + Quote.of(shard)
                    + " is not a file name inside " + dir);
        }
        return resolved;
    }
}
