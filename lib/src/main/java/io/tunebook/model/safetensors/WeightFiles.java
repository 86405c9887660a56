package io.tunebook.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The weights of a Hugging Face model directory, single-file or sharded, behind one lookup.
 *
 * <p>Like transformers, {@link #open} uses {@code model.safetensors} if present, else
 * {@code model.safetensors.index.json}, whose {@code weight_map} says which shard holds each
 * tensor. Every file is opened and validated up front, and every tensor the index lists is checked
 * to exist in its shard, so a broken set of weights fails before any weight is loaded. The index is
 * authoritative: a tensor present in a shard but not listed in the index is not offered.
 */
public final class WeightFiles implements AutoCloseable {
    static final String SINGLE_FILE = "model.safetensors";

    private static final List<String> PICKLE_SUFFIXES = List.of(".bin", ".pt", ".pth", ".ckpt");

    private final Path dir;
    private final Map<String, SafetensorsFile> fileByTensor;
    private final List<SafetensorsFile> files;

    private WeightFiles(Path dir, Map<String, SafetensorsFile> fileByTensor, List<SafetensorsFile> files) {
        this.dir = dir;
        this.fileByTensor = fileByTensor;
        this.files = files;
    }

    /**
     * Opens the weights in {@code modelDir}.
     *
     * @throws SafetensorsException if there are no safetensors weights (with advice when only
     *     PyTorch pickles are there), a file is malformed, a shard is missing, or a tensor listed in
     *     the index is absent from its shard
     */
    public static WeightFiles open(Path modelDir) throws IOException {
        if (!Files.isDirectory(modelDir)) {
            throw new SafetensorsException(modelDir, "not a directory; expected a Hugging Face model directory");
        }
        Path single = modelDir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            file.entries().forEach(e -> byTensor.put(e.name(), file));
            return new WeightFiles(modelDir, byTensor, List.of(file));
        }
        Path index = modelDir.resolve(ShardIndex.FILE_NAME);
        if (Files.isRegularFile(index)) {
            return openSharded(modelDir, index);
        }
        throw noWeights(modelDir);
    }

    private static WeightFiles openSharded(Path dir, Path index) throws IOException {
        Map<String, Path> shardOf = ShardIndex.read(index);
        Map<Path, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : shardOf.entrySet()) {
                String tensor = e.getKey();
                Path shard = e.getValue();
                SafetensorsFile file = opened.get(shard);
                if (file == null) {
                    if (!Files.isRegularFile(shard)) {
                        String name = dir.toAbsolutePath().normalize().relativize(shard).toString();
                        throw new SafetensorsException(index, tensor, "its shard " + Quote.of(name)
                                + " does not exist in " + dir);
                    }
                    file = SafetensorsFile.open(shard);
                    opened.put(shard, file);
                }
                if (!file.contains(tensor)) {
                    throw new SafetensorsException(index, tensor, "listed in shard " + Quote.of(shard.getFileName()
                            .toString()) + ", but that shard has no such tensor");
                }
                byTensor.put(tensor, file);
            }
            return new WeightFiles(dir, byTensor, List.copyOf(opened.values()));
        } catch (Throwable t) {
            closeAll(opened.values(), t);
            throw t;
        }
    }

    private static SafetensorsException noWeights(Path dir) throws IOException {
        List<String> pickles = filesEndingWith(dir, PICKLE_SUFFIXES);
        if (!pickles.isEmpty()) {
            return SafetensorsException.worded(dir, dir + " holds only PyTorch pickle weights ("
                    + String.join(", ", pickles) + "), which tunebook never loads: unpickling can run arbitrary"
                    + " code. Please convert to safetensors first, for instance in a Python environment you trust:"
                    + " AutoModelForCausalLM.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)");
        }
        List<String> others = filesEndingWith(dir, List.of(".safetensors"));
        String hint = others.contains("adapter_model.safetensors")
                ? " (it holds adapter_model.safetensors: a PEFT adapter, to load on top of its base model)"
                : others.isEmpty() ? "" : " (found " + String.join(", ", others) + ")";
        return SafetensorsException.worded(dir, "no " + SINGLE_FILE + " or " + ShardIndex.FILE_NAME + " in " + dir + hint);
    }

    private static List<String> filesEndingWith(Path dir, List<String> suffixes) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> suffixes.stream().anyMatch(name::endsWith))
                    .sorted()
                    .limit(5)
                    .collect(Collectors.toList());
        }
    }

    /** The model directory. */
    public Path directory() {
        return dir;
    }

    /** Every tensor name, in file (or index) order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(fileByTensor.keySet());
    }

    /** Whether the weights hold {@code name}, e.g. to detect tied embeddings without {@code lm_head.weight}. */
    public boolean contains(String name) {
        return fileByTensor.containsKey(name);
    }

    /**
     * The tensor called {@code name}; its offsets are relative to the data section of
     * {@link #fileOf(String)}.
     *
     * @throws SafetensorsException naming the directory and the tensor if there is none
     */
    public TensorEntry entry(String name) throws SafetensorsException {
        return fileHolding(name).entry(name);
    }

    /**
     * The file holding {@code name}.
     *
     * @throws SafetensorsException naming the directory and the tensor if there is none
     */
    public Path fileOf(String name) throws SafetensorsException {
        return fileHolding(name).path();
    }

    /** The tensor as float32; see {@link SafetensorsFile#readFloat32(String)}. */
    public ByteBuffer readFloat32(String name) throws IOException {
        return fileHolding(name).readFloat32(name);
    }

    /** The tensor's raw bytes; see {@link SafetensorsFile#readRaw(String)}. */
    public ByteBuffer readRaw(String name) throws IOException {
        return fileHolding(name).readRaw(name);
    }

    /** Streams part of a tensor in chunks; see {@link SafetensorsFile#readChunks}. */
    public void readChunks(String name, Dtype target, long firstElement, long count, ChunkBuffers buffers,
            ChunkConsumer consumer) throws IOException {
        fileHolding(name).readChunks(name, target, firstElement, count, buffers, consumer);
    }

    private SafetensorsFile fileHolding(String name) throws SafetensorsException {
        SafetensorsFile file = fileByTensor.get(name);
        if (file == null) {
            throw new SafetensorsException(dir, name, "no such tensor in these weights (it has "
                    + fileByTensor.size() + ")");
        }
        return file;
    }

    /** Closes every file of the weights. */
    @Override
    public void close() throws IOException {
        IOException first = new IOException("closing " + dir);
        closeAll(files, first);
        if (first.getSuppressed().length > 0) {
            throw first;
        }
    }

    private static void closeAll(Iterable<SafetensorsFile> files, Throwable failures) {
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (IOException e) {
                failures.addSuppressed(e);
            }
        }
    }

    @Override
    public String toString() {
        return "WeightFiles[" + dir + ", " + files.size() + " file(s), " + fileByTensor.size() + " tensors]";
    }
}
