package io.tunebook.export;

import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.ModelException;
import io.tunebook.io.AtomicDirectory;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.model.safetensors.ShardedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Exports a model, alone or with a PEFT adapter, into a directory of its own:
 * <ul>
 * <li>{@link Format#GGUF}: {@code NAME-TYPE.gguf} for llama.cpp ({@link GgufExport}, the adapter merged
 * in) and an Ollama {@link Modelfile};</li>
 * <li>{@link Format#HF}: the merged model as a Hugging Face directory (safetensors in f32, f16 or
 * bf16, sharded above {@code maxShardBytes}, config, generation config, tokenizer files with the
 * chat template) for transformers, vLLM and TGI;</li>
 * <li>{@link Format#PEFT}: the adapter alone in PEFT's layout, checked on its base, for vLLM's
 * {@code --enable-lora} and PEFT;</li>
 * </ul>
 * each with a {@link ModelCard} {@code README.md}. An adapter is always merged into the base read
 * from its original weights in float32, so a QLoRA adapter lands on the dense base, not on its 4-bit
 * approximation. Everything that can refuse the model (the format cannot hold it, the type does not
 * fit its rows, the tokenizer is not one llama.cpp reproduces) is checked before anything is written;
 * the directory is written under a temporary name and renamed when complete.
 *
 * <pre>{@code
 * Exporter.builder(Path.of("models/tiny-base")).adapter(Path.of("runs/quickstart-lora/adapter"))
 *         .format(Exporter.Format.GGUF).type("q4_k_m").build().to(Path.of("runs/export"));
 * }</pre>
 */
public final class Exporter {
    /** What to write. */
    public enum Format {
        GGUF, HF, PEFT;

        public static Format parse(String name) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown export format '" + name + "'; choose gguf, hf or peft");
        }
    }

    /** What an export wrote. */
    public record Result(Path directory, List<String> files, List<String> notes) {
        /** The GGUF file of a {@link Format#GGUF} export. */
        public Path gguf() {
            return files.stream().filter(f -> f.endsWith(".gguf")).findFirst().map(directory::resolve)
                    .orElseThrow(() -> new IllegalStateException(directory + " holds no GGUF file"));
        }
    }

    private final Path modelDir;
    private final Optional<Path> adapter;
    private final Format format;
    private final Optional<String> type;
    private final Optional<String> system;
    private final Optional<Path> evaluation;
    private final Optional<String> name;
    private final long maxShardBytes;

    private Exporter(Builder b) {
        this.modelDir = b.modelDir;
        this.adapter = Optional.ofNullable(b.adapter);
        this.format = b.format;
        this.type = Optional.ofNullable(b.type);
        this.system = Optional.ofNullable(b.system);
        this.evaluation = Optional.ofNullable(b.evaluation);
        this.name = Optional.ofNullable(b.name);
        this.maxShardBytes = b.maxShardBytes;
    }

    public static Builder builder(Path modelDir) {
        return new Builder(modelDir);
    }

    /**
     * Writes the export into {@code output}, which must not exist yet.
     *
     * @throws IllegalArgumentException naming the flag, file or field that makes the export impossible
     * @throws ModelException when the model or adapter cannot be loaded
     */
    public Result to(Path output) {
        if (Files.exists(output)) {
            throw new IllegalArgumentException("output " + output + " already exists; remove it or choose another directory");
        }
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("model directory " + modelDir + " does not exist");
        }
        adapter.ifPresent(a -> {
            if (!Files.isRegularFile(a.resolve("adapter_config.json"))) {
                throw new IllegalArgumentException("adapter " + a + " has no adapter_config.json (a PEFT adapter directory is expected)");
            }
        });
        evaluation.ifPresent(e -> {
            if (!Files.isRegularFile(e)) {
                throw new IllegalArgumentException("evaluation file " + e + " does not exist");
            }
        });
        String label = name.orElseGet(() -> baseName() + adapter.map(a -> "-" + adapterName(a)).orElse(""));
        ModelConfig config = ModelConfig.read(modelDir.resolve("config.json"));
        return switch (format) {
            case GGUF -> gguf(output, label, GgufFileType.parse(type.orElse("f16")));
            case HF -> hf(output, label, hfDtype(type.orElse(defaultHfType(config))));
            case PEFT -> peft(output, label);
        };
    }

    private Result gguf(Path output, String label, GgufFileType ggufType) {
        try (CausalLM model = loadMerged()) {
            GgufWriter plan = GgufExport.plan(model, ggufType, label); // refuses before anything is written
            String file = ModelCard.slug(label) + "-" + ggufType.cliName() + ".gguf";
            List<String> notes = GgufExport.notes(model.config());
            java.util.OptionalLong eosId = model.tokenizer().eosId();
            Optional<String> eos = eosId.isPresent() ? Optional.of(model.tokenizer().tokenText(eosId.getAsLong()))
                    : Optional.empty();
            String modelfile = Modelfile.render(file, model.tokenizer().chatTemplate(),
                    eos, system);
            return write(output, label, model, ggufType.cliName(), notes, staging -> {
                plan.write(staging.resolve(file));
                Files.writeString(staging.resolve("Modelfile"), modelfile);
            });
        }
    }

    private Result hf(Path output, String label, Dtype dtype) {
        try (CausalLM model = loadMerged()) {
            return write(output, label, model, dtype.name().toLowerCase(Locale.ROOT), List.of(),
                    staging -> model.writeTo(staging, dtype, maxShardBytes));
        }
    }

    private Result peft(Path output, String label) {
        Path a = adapter.orElseThrow(() -> new IllegalArgumentException("--format peft exports an adapter: give --adapter"));
        if (type.isPresent()) {
            throw new IllegalArgumentException("--type does not apply to --format peft: the adapter keeps its own weights");
        }
        try (CausalLM base = CausalLM.load(modelDir); LoraModel lora = LoraModel.load(base, a)) {
            return write(output, label, base, "adapter", List.of(), lora::save);
        }
    }

    private CausalLM loadMerged() {
        if (adapter.isEmpty()) {
            // A float16 model stays float16 in memory and is widened exactly when written; bfloat16 ones are
            // read as float32, since holding them in float16 would round their weights below 2^-14.
            ModelConfig config = ModelConfig.read(modelDir.resolve("config.json"));
            return CausalLM.load(modelDir, LoadOptions.builder()
                    .dtype(config.torchDtype().equals("float16") ? "auto" : "float32").build());
        }
        CausalLM base = CausalLM.load(modelDir);
        try {
            LoraModel lora = LoraModel.load(base, adapter.get());
            return lora.mergeAndUnload();
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
    }

    /** Writes {@code content} and the model card under a temporary name beside {@code output}, then renames it. */
    private Result write(Path output, String label, CausalLM model, String typeName, List<String> notes,
            AtomicDirectory.Content content) {
        List<String> files = new ArrayList<>();
        try {
            AtomicDirectory.write(output, staging -> {
                content.writeInto(staging);
                try (Stream<Path> list = Files.list(staging)) {
                    list.map(p -> p.getFileName().toString()).sorted().forEach(files::add);
                }
                files.add("README.md");
                ModelCard.Facts facts = new ModelCard.Facts(label, modelDir, model.config(), model.parameterCount(), adapter,
                        format, typeName, files, system, evaluation, notes);
                Files.writeString(staging.resolve("README.md"), ModelCard.render(facts));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the export to " + output + ": " + e.getMessage(), e);
        }
        return new Result(output, List.copyOf(files), notes);
    }

    private String baseName() {
        return modelDir.toAbsolutePath().normalize().getFileName().toString();
    }

    private static String adapterName(Path a) {
        Path abs = a.toAbsolutePath().normalize();
        String n = abs.getFileName().toString();
        return n.equals("adapter") && abs.getParent() != null ? abs.getParent().getFileName().toString() : n;
    }

    private static String defaultHfType(ModelConfig config) {
        return switch (config.torchDtype()) {
            case "bfloat16" -> "bf16";
            case "float16" -> "f16";
            default -> "f32";
        };
    }

    private static Dtype hfDtype(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> Dtype.F32;
            case "f16", "float16" -> Dtype.F16;
            case "bf16", "bfloat16" -> Dtype.BF16;
            default -> throw new IllegalArgumentException("--format hf stores f32, f16 or bf16, not '" + t
                    + "' (quantized types are for --format gguf)");
        };
    }

    public static final class Builder {
        private final Path modelDir;
        private Path adapter;
        private Format format = Format.GGUF;
        private String type;
        private String system;
        private Path evaluation;
        private String name;
        private long maxShardBytes = ShardedWriter.DEFAULT_MAX_SHARD_BYTES;

        private Builder(Path modelDir) {
            this.modelDir = Objects.requireNonNull(modelDir, "modelDir");
        }

        /** A PEFT adapter to merge (gguf, hf) or to export (peft). */
        public Builder adapter(Path v) {
            adapter = v;
            return this;
        }

        public Builder format(Format v) {
            format = Objects.requireNonNull(v, "format");
            return this;
        }

        /** gguf: f32, f16 (default), bf16, q8_0, q4_0, q4_k_m; hf: f32, f16, bf16 (default: the base's dtype). */
        public Builder type(String v) {
            type = v;
            return this;
        }

        /** The system prompt the Modelfile sets, also named in the model card. */
        public Builder system(String v) {
            system = v;
            return this;
        }

        /** An {@code evaluation.json} of {@code tunebook eval} to summarise in the model card. */
        public Builder evaluation(Path v) {
            evaluation = v;
            return this;
        }

        /** The model's name (default: the base directory's, and the adapter's run). */
        public Builder name(String v) {
            name = v;
            return this;
        }

        /** hf: the largest safetensors shard (default 5 GB, as transformers). */
        public Builder maxShardBytes(long v) {
            if (v <= 0) {
                throw new IllegalArgumentException("the shard size must be positive, got " + v);
            }
            maxShardBytes = v;
            return this;
        }

        public Exporter build() {
            return new Exporter(this);
        }
    }
}
