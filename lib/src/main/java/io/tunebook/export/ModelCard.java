package io.tunebook.export;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.eval.EvaluationResult;
import io.tunebook.model.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;

/**
 * The {@code README.md} of an export: what the model is (base, architecture, size), how it was
 * made (method, LoRA/QLoRA settings from {@code adapter_config.json}; data, steps and final losses
 * from the training run the adapter sits in, {@code config.yaml} and {@code metrics.jsonl}), how it
 * scored ({@code evaluation.json} when given), how to run it (llama.cpp, Ollama, vLLM,
 * transformers), what to mind (licence, intended use, what llama.cpp does differently).
 */
final class ModelCard {
    private ModelCard() {
    }

    /** What the card describes; the run directory is the adapter's parent when it holds a training run. */
    record Facts(String name, Path baseDir, ModelConfig config, long parameters, Optional<Path> adapter,
            Exporter.Format format, String type, List<String> files, Optional<String> system,
            Optional<Path> evaluation, List<String> notes) {}

    static String render(Facts f) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(f.name()).append("\n\n");
        md.append("Exported by tunebook (`tunebook export`) as ").append(describe(f.format(), f.type())).append(".\n\n");
        md.append("## Model\n\n");
        md.append("| | |\n| --- | --- |\n");
        row(md, "base model", "`" + f.baseDir() + "`" + licenceOf(f.baseDir()).map(l -> " (licence: " + l + ")").orElse(""));
        row(md, "architecture", f.config().architecture().hfClass() + ", " + f.config().numHiddenLayers() + " layers, hidden "
                + f.config().hiddenSize() + ", vocabulary " + f.config().vocabSize());
        row(md, "parameters", String.format(Locale.ROOT, "%,d", f.parameters()));
        Optional<Path> run = f.adapter().map(Path::getParent).filter(p -> Files.exists(p.resolve("metrics.jsonl"))
                || Files.exists(p.resolve("config.yaml")));
        Map<String, Object> runConfig = run.map(p -> p.resolve("config.yaml")).filter(Files::exists)
                .map(ModelCard::yaml).orElse(Map.of());
        String method = section(runConfig, "training").map(t -> String.valueOf(t.get("method"))).filter(m -> !m.equals("null"))
                .orElse(f.adapter().isPresent() ? "lora" : "none (the base model as it is)");
        row(md, "fine-tuning method", method.equals("qlora")
                ? "QLoRA: adapter trained on a 4-bit base, merged here into the dense base reloaded from its original weights"
                : method.equals("lora") ? "LoRA" : method);
        if (f.adapter().isPresent()) {
            Path adapter = f.adapter().get();
            row(md, "adapter", "`" + adapter + "`" + (f.format() == Exporter.Format.PEFT ? "" : ", merged into the weights"));
            JsonObject cfg = json(adapter.resolve("adapter_config.json"));
            row(md, "LoRA settings", "r " + text(cfg, "r") + ", alpha " + text(cfg, "lora_alpha") + ", dropout "
                    + text(cfg, "lora_dropout") + ", target modules " + text(cfg, "target_modules")
                    + (cfg.has("use_dora") && cfg.get("use_dora").getAsBoolean() ? ", DoRA" : "")
                    + (cfg.has("use_rslora") && cfg.get("use_rslora").getAsBoolean() ? ", rsLoRA" : ""));
        }
        f.system().ifPresent(s -> row(md, "system prompt", s.replace("|", "\\|").replace("\n", " ")));
        md.append('\n');

        if (run.isPresent()) {
            md.append("## Training\n\n");
            Path base = configBase(run.get(), runConfig, f.baseDir());
            section(runConfig, "data").ifPresent(d -> {
                for (String split : List.of("train", "validation")) {
                    Object files = d.get(split);
                    if (files == null) {
                        continue;
                    }
                    for (Object file : files instanceof List<?> l ? l : List.of(files)) {
                        md.append("- ").append(split).append(" data: ").append(dataFile(base, String.valueOf(file)))
                                .append('\n');
                    }
                }
            });
            Path metrics = run.get().resolve("metrics.jsonl");
            if (Files.exists(metrics)) {
                md.append(trainingFigures(metrics));
            }
            md.append('\n');
        }
        if (f.evaluation().isPresent()) {
            md.append("## Evaluation\n\n").append(evaluation(f.evaluation().get())).append('\n');
        }
        md.append("## Files\n\n");
        f.files().forEach(file -> md.append("- `").append(file).append("`\n"));
        md.append("\n## Run it\n\n").append(commands(f)).append('\n');
        if (!f.notes().isEmpty()) {
            md.append("## Differences to mind\n\n");
            f.notes().forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        md.append("## Licence and intended use\n\n");
        md.append("This model is derived from `").append(f.baseDir().getFileName())
                .append("` and is bound by its licence (see the base model's README) and by the licences of the training data. ")
                .append("It was fine-tuned for the task its training data shows and was not evaluated for other uses; ")
                .append("check its answers before relying on them, and do not use it where a wrong answer can harm someone.\n");
        return md.toString();
    }

    private static String describe(Exporter.Format format, String type) {
        return switch (format) {
            case GGUF -> "a GGUF file (" + type + ") for llama.cpp and Ollama";
            case HF -> "a Hugging Face model directory (safetensors, " + type + ") for transformers, vLLM and TGI";
            case PEFT -> "a PEFT LoRA adapter for transformers + PEFT and vLLM (`--enable-lora`)";
        };
    }

    private static String commands(Facts f) {
        String file = f.files().stream().filter(n -> n.endsWith(".gguf")).findFirst().orElse("model.gguf");
        return switch (f.format()) {
            case GGUF -> "llama.cpp:\n\n```sh\nllama-cli -m " + file + " -cnv --temp 0\n"
                    + "llama-server -m " + file + " --port 8080   # OpenAI-compatible API\n```\n\n"
                    + "Ollama (the `Modelfile` here carries the chat template and its stop tokens):\n\n"
                    + "```sh\nollama create " + slug(f.name()) + " -f Modelfile\nollama run " + slug(f.name()) + "\n```\n";
            case HF -> "vLLM:\n\n```sh\nvllm serve ./" + "  # this directory\n```\n\n"
                    + "transformers:\n\n```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n"
                    + "model = AutoModelForCausalLM.from_pretrained(\".\")\ntokenizer = AutoTokenizer.from_pretrained(\".\")\n```\n\n"
                    + "tunebook:\n\n```sh\nbin/tunebook generate . --chat --prompt \"...\"\n```\n";
            case PEFT -> "vLLM, the adapter beside its base:\n\n```sh\nvllm serve " + f.baseDir()
                    + " --enable-lora --lora-modules " + slug(f.name()) + "=.\n```\n\n"
                    + "transformers + PEFT:\n\n```python\nfrom peft import PeftModel\n"
                    + "from transformers import AutoModelForCausalLM\n"
                    + "model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(\"" + f.baseDir() + "\"), \".\")\n```\n\n"
                    + "tunebook:\n\n```sh\nbin/tunebook generate " + f.baseDir() + " --adapter . --chat --prompt \"...\"\n```\n";
        };
    }

    static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "model" : s;
    }

    /**
     * The directory the run config's relative paths start from (the config file's, which the resolved
     * copy does not record): the nearest ancestor of the run directory from which its {@code model.path}
     * leads to the exported base and its first training file exists, else the working directory.
     */
    private static Path configBase(Path runDir, Map<String, Object> runConfig, Path baseDir) {
        Object modelPath = section(runConfig, "model").map(m -> m.get("path")).orElse(null);
        Object train = section(runConfig, "data").map(d -> d.get("train")).orElse(null);
        String firstData = train instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0))
                : train == null ? null : String.valueOf(train);
        if (modelPath != null) {
            for (Path p = runDir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
                Path candidate = p.resolve(String.valueOf(modelPath));
                try {
                    if (Files.exists(candidate) && Files.isSameFile(candidate, baseDir)
                            && (firstData == null || Files.isRegularFile(p.resolve(firstData)))) {
                        return p;
                    }
                } catch (IOException e) {
                    // not this one
                }
            }
        }
        return Path.of("");
    }

    /** A data file as the card names it: path, examples (lines) and SHA-256, or why they are unknown. */
    private static String dataFile(Path base, String file) {
        Path p = Path.of(file);
        for (Path c : List.of(base.resolve(p))) {
            if (Files.isRegularFile(c)) {
                try {
                    long lines;
                    try (var stream = Files.lines(c)) {
                        lines = stream.filter(l -> !l.isBlank()).count();
                    }
                    return String.format(Locale.ROOT, "`%s`, %,d lines, %,d bytes, SHA-256 `%s`", file, lines, Files.size(c),
                            sha256(c));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the training data " + c + ": " + e.getMessage(), e);
                }
            }
        }
        return "`" + file + "` (not found from here: size and hash unknown)";
    }

    private static String trainingFigures(Path metrics) {
        int steps = 0;
        Double loss = null;
        Double evalLoss = null;
        Double firstEval = null;
        try {
            for (String line : Files.readAllLines(metrics)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                steps = Math.max(steps, o.get("step").getAsInt());
                if (o.has("loss")) {
                    loss = o.get("loss").getAsDouble();
                }
                if (o.has("eval_loss")) {
                    evalLoss = o.get("eval_loss").getAsDouble();
                    firstEval = firstEval == null ? evalLoss : firstEval;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(metrics + ": not a metrics log (" + e.getMessage() + ")", e);
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "- %d optimizer steps", steps));
        if (loss != null) {
            b.append(String.format(Locale.ROOT, ", final training loss %.4f", loss));
        }
        if (evalLoss != null) {
            b.append(String.format(Locale.ROOT, ", validation loss %.4f (first evaluation %.4f)", evalLoss, firstEval));
        }
        return b.append(" (`metrics.jsonl` of the run)\n").toString();
    }

    /** The summary table of an {@code evaluation.json}: each candidate's metrics with their 95 % intervals. */
    private static String evaluation(Path file) {
        JsonObject o = json(file);
        if (!o.has("summary") || !o.get("summary").isJsonArray()) {
            throw new IllegalArgumentException(file + ": field 'summary' is missing; give the "
                    + EvaluationResult.JSON_FILE + " that `tunebook eval` writes");
        }
        StringBuilder b = new StringBuilder();
        b.append("On `").append(text(o, "dataset")).append("` (`").append(file.getFileName()).append("`):\n\n");
        b.append("| candidate | metric | value | 95 % interval |\n| --- | --- | ---: | --- |\n");
        for (JsonElement e : o.getAsJsonArray("summary")) {
            JsonObject c = e.getAsJsonObject();
            b.append("| ").append(text(c, "candidate")).append(" | ").append(text(c, "metric")).append(" | ")
                    .append(number(c.get("value"))).append(" | ").append(number(c.get("ci95_low"))).append(" – ")
                    .append(number(c.get("ci95_high"))).append(" |\n");
        }
        return b.toString();
    }

    private static String number(JsonElement e) {
        return e == null || e.isJsonNull() ? "–" : String.format(Locale.ROOT, "%.4f", e.getAsDouble());
    }

    private static Optional<String> licenceOf(Path baseDir) {
        Path readme = baseDir.resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(readme)) {
                if (line.startsWith("license:")) {
                    return Optional.of(line.substring("license:".length()).strip());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static String text(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return "–";
        }
        if (e.isJsonArray()) {
            List<String> items = new ArrayList<>();
            for (JsonElement x : (JsonArray) e) {
                items.add(x.getAsString());
            }
            return String.join(", ", items);
        }
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    @SuppressWarnings("unchecked")
    private static Optional<Map<String, Object>> section(Map<String, Object> yaml, String key) {
        Object v = yaml.get(key);
        return v instanceof Map<?, ?> m ? Optional.of((Map<String, Object>) m) : Optional.empty();
    }

    private static Map<String, Object> yaml(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Object o = new Yaml().load(in);
            @SuppressWarnings("unchecked")
            Map<String, Object> map = o instanceof Map<?, ?> ? (Map<String, Object>) o : Map.of();
            return map;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a YAML run config (" + e.getMessage() + ")", e);
        }
    }

    private static JsonObject json(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a JSON object (" + e.getMessage() + ")", e);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
