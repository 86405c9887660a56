package io.tunebook.model.safetensors;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.tunebook.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes weights split into shards the way Hugging Face's {@code save_pretrained} does:
 * tensors are taken in state-dict order and packed greedily into shards of at most
 * {@code maxShardBytes} (transformers' default is {@value #DEFAULT_MAX_SHARD_BYTES} bytes, "5GB");
 * a tensor larger than the cap gets a shard of its own. One shard is written as
 * {@code model.safetensors}; several as {@code model-00001-of-0000N.safetensors} plus
 * {@code model.safetensors.index.json} with {@code metadata.total_size} and the {@code weight_map}.
 * Inside a file the tensors are sorted by name, as the safetensors library writes them, and every
 * tensor's bytes come from its {@link TensorSource} while the file is written, so the whole model is
 * never in memory.
 */
public final class ShardedWriter {
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    public static final String SINGLE_FILE = "model.safetensors";

    private record Pending(String name, Dtype dtype, long[] shape, long bytes, TensorSource source) {}

    private final long maxShardBytes;
    private final List<Pending> tensors = new ArrayList<>();

    public ShardedWriter(long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        this.maxShardBytes = maxShardBytes;
    }

    /** Adds the next tensor in state-dict order. */
    public ShardedWriter add(String name, Dtype dtype, long[] shape, TensorSource source) {
        Objects.requireNonNull(source, "source");
        tensors.add(new Pending(name, dtype, shape.clone(), TensorEntry.byteCount(dtype, shape), source));
        return this;
    }

    /** The file name of each tensor, in state-dict order, for the shards {@link #write} makes. */
    public Map<String, String> plan() {
        List<List<Pending>> shards = shards();
        Map<String, String> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            for (Pending p : shards.get(i)) {
                files.put(p.name(), fileName(i, shards.size()));
            }
        }
        return files;
    }

    /** Sum of the tensors' byte sizes: the index's {@code metadata.total_size}. */
    public long totalBytes() {
        return tensors.stream().mapToLong(Pending::bytes).sum();
    }

    /**
     * Writes the shards (each atomically) and, when there are several, the index, into {@code dir},
     * which must exist. Returns the files written, index last.
     */
    public List<Path> write(Path dir, Map<String, String> fileMetadata) throws IOException {
        List<List<Pending>> shards = shards();
        List<Path> written = new ArrayList<>();
        TreeMap<String, String> weightMap = new TreeMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String file = fileName(i, shards.size());
            SafetensorsWriter w = new SafetensorsWriter();
            fileMetadata.forEach(w::metadata);
            List<Pending> sorted = new ArrayList<>(shards.get(i));
            sorted.sort(Comparator.comparing(Pending::name));
            for (Pending p : sorted) {
                w.add(p.name(), p.dtype(), p.shape(), p.source());
                weightMap.put(p.name(), file);
            }
            Path target = dir.resolve(file);
            w.write(target);
            written.add(target);
        }
        if (shards.size() > 1) {
            JsonObject index = new JsonObject();
            JsonObject metadata = new JsonObject();
            metadata.addProperty("total_size", totalBytes());
            index.add("metadata", metadata);
            JsonObject map = new JsonObject();
            weightMap.forEach(map::addProperty);
            index.add("weight_map", map);
            String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(index) + "\n";
            Path target = dir.resolve(ShardIndex.FILE_NAME);
            AtomicFile.write(target, json.getBytes(StandardCharsets.UTF_8));
            written.add(target);
        }
        return written;
    }

    /** huggingface_hub's split_torch_state_dict_into_shards: greedy, in order, oversize tensors alone. */
    private List<List<Pending>> shards() {
        List<List<Pending>> shards = new ArrayList<>();
        List<Pending> current = new ArrayList<>();
        long size = 0;
        for (Pending p : tensors) {
            if (p.bytes() > maxShardBytes) {
                shards.add(List.of(p));
                continue;
            }
            if (!current.isEmpty() && size + p.bytes() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(p);
            size += p.bytes();
        }
        if (!current.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

    private static String fileName(int i, int n) {
        return n == 1 ? SINGLE_FILE : String.format(java.util.Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, n);
    }
}
