package io.tunebook.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.io.AtomicDirectory;
import io.tunebook.data.Message;
import io.tunebook.model.safetensors.ChunkBuffers;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.model.safetensors.ShardedWriter;
import io.tunebook.model.safetensors.TensorEntry;
import io.tunebook.model.safetensors.TensorSource;
import io.tunebook.model.safetensors.WeightFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A causal language model loaded from (or saved to) a Hugging Face directory: the network, its
 * tokenizer and its decoding defaults, with weights in float32 (or 16 bits, see {@link LoadOptions})
 * on the engine's default device or the one asked for.
 *
 * <pre>{@code
 * try (CausalLM model = CausalLM.load(Path.of("models/tiny-base"))) {
 *     System.out.println(Generator.of(model).generate("Bonjour", GenerationSettings.greedy(20)).text());
 *     System.out.println(model.ask("Bonjour, où en est ma commande ?"));  // through its chat template
 * }
 * }</pre>
 */
public final class CausalLM implements AutoCloseable {
    private final Path directory;
    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final GenerationConfig generationConfig;
    private final List<String> unusedTensors;

    private CausalLM(Path directory, ModelConfig config, NDManager manager, Map<String, NDArray> weights,
            Map<String, Projection> projections, DataType dtype, Tokenizer tokenizer,
            GenerationConfig generationConfig, List<String> unusedTensors) {
        this.directory = directory;
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.transformer = new Transformer(config, manager, weights, projections);
        this.tokenizer = tokenizer;
        this.generationConfig = generationConfig;
        this.unusedTensors = List.copyOf(unusedTensors);
    }

    /** Loads a Hugging Face model directory onto the engine's default device (a GPU when there is one), in float32. */
    public static CausalLM load(Path directory) {
        return load(directory, LoadOptions.defaults());
    }

    /** Loads in float32 onto {@code device}. */
    public static CausalLM load(Path directory, Device device) {
        return load(directory, LoadOptions.builder().device(device).build());
    }

    /**
     * Loads a Hugging Face model directory as {@code options} say (device, storage dtype, projection
     * loader). Tensors are read one at a time, each streamed from its shard into its final array,
     * so the peak is the weights in their storage dtype plus a fixed overhead.
     *
     * @throws ModelException naming the directory, file or tensor when the weights do not fit
     *     its config, a shard is missing, or a value cannot be held in the requested dtype
     */
    public static CausalLM load(Path directory, LoadOptions options) {
        if (!Files.isDirectory(directory)) {
            throw new ModelException("model directory " + directory + " does not exist");
        }
        ModelConfig config = ModelConfig.read(directory.resolve("config.json"));
        MallocPolicy.apply(ParameterLayout.count(ParameterLayout.of(config))); // before the weights: they load under it
        DataType storage = options.storage(config.torchDtype());
        NDManager manager = NDManager.newBaseManager(options.device().orElseGet(() -> Engine.getInstance().defaultDevice()));
        try (WeightFiles files = WeightFiles.open(directory)) {
            WeightReader reader = new WeightReader(files, new ChunkBuffers());
            Map<String, long[]> expected = ParameterLayout.of(config);
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                checkTensor(files, directory, e.getKey(), e.getValue());
            }
            Map<String, NDArray> weights = new LinkedHashMap<>();
            Map<String, Projection> built = new LinkedHashMap<>();
            ProjectionLoader loader = options.projectionLoader().orElse(null);
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                String name = e.getKey();
                if (weights.containsKey(name)) {
                    continue; // a bias read early for its projection
                }
                String module = ParameterLayout.projectionOf(name);
                if (loader != null && module != null) {
                    String biasName = module + ".bias";
                    NDArray bias = null;
                    if (expected.containsKey(biasName)) {
                        bias = reader.read(biasName, DataType.FLOAT32, manager);
                        weights.put(biasName, bias);
                    }
                    Projection p = loader.load(new ProjectionSource(module, name, e.getValue(), bias, manager,
                            files, reader.buffers()));
                    if (p != null) {
                        built.put(module, p);
                        continue;
                    }
                }
                weights.put(name, reader.read(name, ParameterLayout.storageOf(name, storage), manager));
            }
            if (loader != null && config.tieWordEmbeddings()) {
                // A tied head has no tensor of its own: offer the embedding, as quantizing a loaded model would.
                long[] shape = expected.get("model.embed_tokens.weight");
                Projection p = loader.load(new ProjectionSource("lm_head", "model.embed_tokens.weight", shape, null,
                        manager, files, reader.buffers()));
                if (p != null) {
                    built.put("lm_head", p);
                }
            }
            Set<String> unused = new TreeSet<>(files.names());
            unused.removeAll(expected.keySet());
            // Tied heads may still be stored, and old Llama models carry the rotary table: both are derived.
            unused.removeIf(n -> n.equals("lm_head.weight") || n.endsWith("rotary_emb.inv_freq"));
            Tokenizer tokenizer = Files.exists(directory.resolve("tokenizer.json")) ? Tokenizer.load(directory) : null;
            return new CausalLM(directory, config, manager, weights, built, storage, tokenizer,
                    GenerationConfig.read(directory.resolve("generation_config.json"), config), new ArrayList<>(unused));
        } catch (IOException e) {
            manager.close();
            throw new ModelException(e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Fails before anything is loaded when a tensor is missing or misshapen. */
    private static void checkTensor(WeightFiles reader, Path dir, String name, long[] shape) throws IOException {
        if (!reader.names().contains(name)) {
            throw new ModelException(dir + ": tensor '" + name + "' is missing from the weights (expected shape "
                    + Arrays.toString(shape) + " from config.json)");
        }
        TensorEntry entry = reader.entry(name);
        if (!Arrays.equals(entry.shape(), shape)) {
            throw new ModelException(reader.fileOf(name) + ": tensor '" + name + "' has shape "
                    + Arrays.toString(entry.shape()) + " but config.json implies " + Arrays.toString(shape));
        }
    }

    /**
     * A freshly initialised model, as transformers' {@code _init_weights} does: linear and embedding
     * weights from N(0, 0.02), biases 0, norm scales 1. Java's seeded generator makes it the same on
     * every machine. On the engine's default device (a GPU when there is one).
     */
    public static CausalLM initialize(ModelConfig config, Tokenizer tokenizer, long seed) {
        return initialize(config, tokenizer, seed, Engine.getInstance().defaultDevice());
    }

    /** {@link #initialize(ModelConfig, Tokenizer, long)} on {@code device}; the weights are the same on any device. */
    public static CausalLM initialize(ModelConfig config, Tokenizer tokenizer, long seed, Device device) {
        NDManager manager = NDManager.newBaseManager(device);
        Random random = new Random(seed);
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : ParameterLayout.of(config).entrySet()) {
            Shape shape = new Shape(e.getValue());
            String name = e.getKey();
            NDArray w;
            if (ParameterLayout.isNorm(name)) {
                w = manager.ones(shape);
            } else if (name.endsWith(".bias")) {
                w = manager.zeros(shape);
            } else {
                float[] values = new float[Math.toIntExact(shape.size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * 0.02);
                }
                w = Tensors.of(manager, values, shape);
            }
            w.setName(name);
            weights.put(name, w);
        }
        return new CausalLM(null, config, manager, weights, Map.of(), DataType.FLOAT32, tokenizer,
                GenerationConfig.defaults(config), List.of());
    }

    /** The directory this model was loaded from; empty for one made by {@link #initialize}. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    public ModelConfig config() {
        return config;
    }

    /**
     * The dtype the frozen weights (embedding, projections, lm_head) are held in: FLOAT32, or
     * FLOAT16 for a model loaded in 16 bits (bfloat16 weights included; see {@link LoadOptions}).
     * Norm scales and biases are float32 either way; activations are always float32.
     */
    public DataType dtype() {
        return dtype;
    }

    public Transformer transformer() {
        return transformer;
    }

    public NDManager manager() {
        return manager;
    }

    public GenerationConfig generationConfig() {
        return generationConfig;
    }

    /** Tensors of the weights that this architecture does not use. */
    public List<String> unusedTensors() {
        return unusedTensors;
    }

    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    public Tokenizer tokenizer() {
        if (tokenizer == null) {
            throw new ModelException((directory == null ? "this model" : directory.toString())
                    + " has no tokenizer.json; give token ids instead of text");
        }
        return tokenizer;
    }

    /** Number of weights, counting a tied embedding once (as PEFT and transformers do). */
    public long parameterCount() {
        return ParameterLayout.count(ParameterLayout.of(config));
    }

    /**
     * {@code result[i] = log p(ids[i+1] | ids[0..i])}: the log-probability the model gives each next
     * token, one fewer than there are ids.
     */
    public float[] tokenLogProbs(long[] ids) {
        if (ids.length < 2) {
            throw new IllegalArgumentException("scoring needs at least two token ids, got " + ids.length);
        }
        try (NDManager step = manager.newSubManager()) {
            NDArray input = Tensors.of(step, ids, new Shape(1, ids.length));
            NDArray logProbs = transformer.forward(input, null, null, null).logSoftmax(-1);
            NDArray next = Tensors.of(step, Arrays.copyOfRange(ids, 1, ids.length), new Shape(1, ids.length - 1, 1));
            return logProbs.get(":, :-1, :").gather(next, 2).toFloatArray();
        }
    }

    /**
     * The model's answer to one user question, through its chat template and greedy up to 128 new tokens
     * ({@link GenerationSettings#builder()}'s defaults), without surrounding whitespace. With LoRA adapters on the
     * model (a {@code LoraModel} wrapping it), they answer too.
     */
    public String ask(String question) {
        return ask(question, GenerationSettings.builder().build());
    }

    /** {@link #ask(String)} with these decoding settings. */
    public String ask(String question, GenerationSettings settings) {
        return Generator.of(this).chat(List.of(Message.user(question)), settings).text().strip();
    }

    /**
     * Writes a Hugging Face directory ({@code config.json}, {@code generation_config.json},
     * {@code model.safetensors} in {@code dtype}, and the tokenizer files). The directory is built
     * beside the target and moved into place, so an interrupted save never replaces a good model.
     */
    public void save(Path target, Dtype dtype) {
        try {
            AtomicDirectory.write(target, staging -> writeTo(staging, dtype, ShardedWriter.DEFAULT_MAX_SHARD_BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the model to " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the files of {@link #save} into the existing directory {@code dir}, the weights split as
     * {@code save_pretrained} splits them: shards of at most {@code maxShardBytes}
     * ({@code model-00001-of-0000N.safetensors} and {@code model.safetensors.index.json}) when they do
     * not fit in one file. Each tensor is converted while its shard is written.
     *
     * @throws ModelException when quantized layers no longer hold dense weights
     */
    public void writeTo(Path dir, Dtype dtype, long maxShardBytes) throws IOException {
        if (transformer.parameters().size() != ParameterLayout.of(config).size()) {
            throw new ModelException("cannot save " + (directory == null ? "this model" : directory.toString())
                    + " as dense weights: its quantized layers no longer hold dense weights; save the adapter,"
                    + " or load the dense base model to merge into");
        }
        String torchDtype = torchDtypeName(dtype);
        Files.writeString(dir.resolve("config.json"), config.withTorchDtype(torchDtype).toJson());
        Files.writeString(dir.resolve("generation_config.json"), generationConfig.toJson());
        ShardedWriter writer = new ShardedWriter(maxShardBytes);
        for (Map.Entry<String, NDArray> e : transformer.parameters().entrySet()) {
            NDArray array = e.getValue();
            writer.add(e.getKey(), dtype, array.getShape().getShape(),
                    TensorSource.floats(() -> Tensors.toFloatArray(array), dtype));
        }
        writer.write(dir, Map.of("format", "pt"));
        if (tokenizer != null) {
            tokenizer.saveTo(dir);
        }
    }

    private static String torchDtypeName(Dtype dtype) {
        switch (dtype) {
            case BF16:
                return "bfloat16";
            case F16:
                return "float16";
            case F32:
                return "float32";
            default:
                throw new IllegalArgumentException("models are saved as F32, F16 or BF16, not " + dtype);
        }
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        manager.close();
    }
}
