package io.tunebook.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.tunebook.io.AtomicFile;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.model.safetensors.ShardedWriter;
import io.tunebook.model.safetensors.TensorSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A seeded set of random weights of a published {@code config.json}, in the layout Hugging Face
 * writes: bfloat16 safetensors shards of at most 5 GB ({@link ShardedWriter}), their index,
 * {@code config.json} (with {@code torch_dtype} bfloat16) and {@code generation_config.json}; no
 * tokenizer. Weights and biases are drawn from N(0, 0.02), RMSNorm scales are 1. Memory and speed
 * do not depend on the values, so this stands in for the real model in benchmarks.
 *
 * <p>The writer streams: each tensor is generated in chunks of {@value #CHUNK} values, several
 * chunks at once on a thread pool, and written as it is made, so memory stays at a few chunks
 * whatever the model's size. Each chunk has its own generator seeded from (seed, tensor, chunk),
 * so the same seed gives the same bytes whatever the thread count. A stamp file written last
 * ({@value #STAMP}) records the seed and config; {@link #matches} tells whether a directory already
 * holds the complete checkpoint, so a benchmark can reuse it.
 */
public final class RandomWeights {
    public static final String STAMP = "random-weights.json";
    static final int CHUNK = 1 << 20;
    private static final double STD = 0.02;
    private static final short BF16_ONE = 0x3f80;
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .create();
    private static final Gson COMPACT = new Gson();

    private final JsonObject configJson;
    private final ModelConfig config;
    private final long seed;
    private final long maxShardBytes;

    private RandomWeights(JsonObject configJson, ModelConfig config, long seed, long maxShardBytes) {
        this.configJson = configJson;
        this.config = config;
        this.seed = seed;
        this.maxShardBytes = maxShardBytes;
    }

    /** The checkpoint of the {@code config.json} at {@code configFile}; errors name the file and the field. */
    public static RandomWeights of(Path configFile, long seed, long maxShardBytes) {
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(configFile)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new ModelException("config file " + configFile + " does not exist");
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new ModelException(configFile + ": not a valid JSON object (" + e.getMessage() + ")", e);
        }
        json.addProperty("torch_dtype", "bfloat16");
        ModelConfig config = ModelConfig.fromJson(json, configFile.toString());
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        return new RandomWeights(json, config, seed, maxShardBytes);
    }

    public static RandomWeights of(Path configFile, long seed) {
        return of(configFile, seed, ShardedWriter.DEFAULT_MAX_SHARD_BYTES);
    }

    public ModelConfig config() {
        return config;
    }

    /** Bytes of weights the checkpoint holds (bfloat16). */
    public long weightBytes() {
        return 2 * ParameterLayout.count(ParameterLayout.of(config));
    }

    /** The tensors in the order transformers' state dict lists them (module registration order). */
    static List<Map.Entry<String, long[]>> stateDictOrder(ModelConfig config) {
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(ParameterLayout.of(config).entrySet());
        entries.sort(Comparator.comparingInt((Map.Entry<String, long[]> e) -> layerOf(e.getKey()))
                .thenComparingInt(e -> moduleRank(e.getKey())));
        return entries;
    }

    private static int layerOf(String name) {
        if (name.startsWith("model.embed_tokens")) {
            return -1;
        }
        if (name.startsWith("model.layers.")) {
            int start = "model.layers.".length();
            return Integer.parseInt(name.substring(start, name.indexOf('.', start)));
        }
        return name.startsWith("model.norm") ? Integer.MAX_VALUE - 1 : Integer.MAX_VALUE; // then lm_head
    }

    private static int moduleRank(String name) {
        if (name.contains(".self_attn.")) {
            return 0;
        }
        if (name.contains(".mlp.")) {
            return 1;
        }
        return name.contains("input_layernorm") ? 2 : 3;
    }

    /** Whether {@code dir} already holds this checkpoint, complete (its stamp is written last). */
    public boolean matches(Path dir) {
        Path stamp = dir.resolve(STAMP);
        if (!Files.isRegularFile(stamp)) {
            return false;
        }
        try {
            JsonElement recorded = JsonParser.parseString(Files.readString(stamp));
            // Compared as compact JSON without nulls: a stamp written without them still matches.
            if (!COMPACT.toJson(recorded).equals(COMPACT.toJson(stampJson()))) {
                return false;
            }
            for (String file : new java.util.HashSet<>(writer(1).plan().values())) {
                if (!Files.isRegularFile(dir.resolve(file))) {
                    return false;
                }
            }
            return true;
        } catch (IOException | JsonParseException e) {
            return false;
        }
    }

    private JsonObject stampJson() {
        JsonObject o = new JsonObject();
        o.addProperty("seed", seed);
        o.addProperty("max_shard_bytes", maxShardBytes);
        o.addProperty("std", STD);
        o.add("config", configJson);
        return o;
    }

    /**
     * Writes the checkpoint into {@code dir} (created if missing) with {@code threads} generator
     * threads; the stamp goes last. Returns the weight files and index written.
     */
    public List<Path> write(Path dir, int threads) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(STAMP));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "random-weights");
            t.setDaemon(true);
            return t;
        });
        try {
            ShardedWriter writer = writer(Math.max(1, threads), pool);
            List<Path> files = writer.write(dir, Map.of("format", "pt"));
            AtomicFile.write(dir.resolve("config.json"), (PRETTY.toJson(configJson) + "\n").getBytes(StandardCharsets.UTF_8));
            JsonObject generation = new JsonObject();
            generation.addProperty("_from_model_config", true);
            if (configJson.has("bos_token_id")) {
                generation.add("bos_token_id", configJson.get("bos_token_id"));
            }
            if (configJson.has("eos_token_id")) {
                generation.add("eos_token_id", configJson.get("eos_token_id"));
            }
            AtomicFile.write(dir.resolve("generation_config.json"),
                    (PRETTY.toJson(generation) + "\n").getBytes(StandardCharsets.UTF_8));
            AtomicFile.write(dir.resolve(STAMP), (PRETTY.toJson(stampJson()) + "\n").getBytes(StandardCharsets.UTF_8));
            return files;
        } finally {
            pool.shutdownNow();
        }
    }

    private ShardedWriter writer(int parallel) {
        return writer(parallel, null);
    }

    private ShardedWriter writer(int parallel, ExecutorService pool) {
        ShardedWriter w = new ShardedWriter(maxShardBytes);
        int index = 0;
        for (Map.Entry<String, long[]> e : stateDictOrder(config)) {
            String name = e.getKey();
            long[] shape = e.getValue();
            long numel = 1;
            for (long d : shape) {
                numel *= d;
            }
            long n = numel;
            long tensorSeed = mix(seed, index++);
            TensorSource source = ParameterLayout.isNorm(name) ? out -> constant(out, n, BF16_ONE)
                    : out -> gaussian(out, n, tensorSeed, parallel, pool);
            w.add(name, Dtype.BF16, shape, source);
        }
        return w;
    }

    private static void constant(WritableByteChannel out, long n, short bits) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(n, CHUNK) * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < n;) {
            int k = (int) Math.min(CHUNK, n - done);
            b.clear();
            for (int i = 0; i < k; i++) {
                b.putShort(bits);
            }
            b.flip();
            out.write(b);
            done += k;
        }
    }

    /** Chunks generated {@code parallel} at a time, written in order. */
    private static void gaussian(WritableByteChannel out, long n, long tensorSeed, int parallel, ExecutorService pool)
            throws IOException {
        long chunks = (n + CHUNK - 1) / CHUNK;
        for (long first = 0; first < chunks; first += parallel) {
            List<Future<ByteBuffer>> batch = new ArrayList<>();
            for (long c = first; c < Math.min(chunks, first + parallel); c++) {
                long chunk = c;
                int size = (int) Math.min(CHUNK, n - chunk * CHUNK);
                batch.add(pool.submit(() -> chunk(mix(tensorSeed, chunk), size)));
            }
            for (Future<ByteBuffer> f : batch) {
                try {
                    out.write(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while generating random weights", e);
                } catch (ExecutionException e) {
                    throw new IOException("generating random weights failed: " + e.getCause(), e.getCause());
                }
            }
        }
    }

    /** {@code size} bfloat16 values from N(0, STD), little-endian. */
    static ByteBuffer chunk(long chunkSeed, int size) {
        SplittableRandom random = new SplittableRandom(chunkSeed);
        ByteBuffer b = ByteBuffer.allocate(size * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            b.putShort(io.tunebook.model.safetensors.Half.floatToBf16((float) (random.nextGaussian() * STD)));
        }
        b.flip();
        return b;
    }

    /** SplitMix64's finaliser over a pair: independent seeds per tensor and per chunk. */
    static long mix(long a, long b) {
        long z = a * 0x9e3779b97f4a7c15L + b + 0x632be59bd9b4e019L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The written files' names and sizes, for reports. */
    public static Map<String, Long> sizes(List<Path> files) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Path f : files) {
            out.put(f.getFileName().toString(), Files.size(f));
        }
        return out;
    }
}
