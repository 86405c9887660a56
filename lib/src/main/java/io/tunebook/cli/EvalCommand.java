package io.tunebook.cli;

import ai.djl.Device;
import io.tunebook.data.ChatTemplate;
import io.tunebook.data.Dataset;
import io.tunebook.data.Datasets;
import io.tunebook.display.EvaluationView;
import io.tunebook.eval.EvaluationResult;
import io.tunebook.eval.Evaluator;
import io.tunebook.eval.JsonSchema;
import io.tunebook.eval.Metric;
import io.tunebook.eval.client.ChatBackend;
import io.tunebook.eval.client.LocalChatBackend;
import io.tunebook.eval.client.OpenAiClient;
import io.tunebook.eval.client.OpenAiClientConfig;
import io.tunebook.eval.judge.JudgePrompts;
import io.tunebook.eval.judge.JudgeSettings;
import io.tunebook.eval.judge.PairwiseJudge;
import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.PromptRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code tunebook eval CONFIG.yaml}: base against fine-tuned (and more) on a test split, written as
 * {@code evaluation.json} and {@code evaluation.html} in the output directory.
 */
final class EvalCommand implements Command {
    private static final List<String> CANDIDATE_TYPES = List.of("base", "adapter", "merged", "model", "endpoint");

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "compare base and fine-tuned models on a test split";
    }

    @Override
    public String help() {
        return "usage: tunebook eval CONFIG.yaml [--output DIR] [--limit N] [--device D]\n"
                + "Every candidate answers the test examples with the same decoding; each metric gets a 95% bootstrap\n"
                + "interval and its difference from the reference candidate; an optional judge compares answers in\n"
                + "pairs. Writes evaluation.json and evaluation.html in output.dir (or --output) and prints the\n"
                + "summary. Unknown keys are errors; relative paths are relative to the file (see examples/).\n"
                + "Sections: model (path, chat_template, device: cpu | gpu | gpu:N, which every local model and judge\n"
                + "use; --device overrides it), candidates (a list: name, type: base | adapter | merged |\n"
                + "model | endpoint, path, base_url, model, api_key_env), reference, dataset (path, split, limit,\n"
                + "json_schema), metrics (bleu, rouge, rouge1, rouge2, rougeL, exact_match, json, json_valid,\n"
                + "json_schema, json_exact, perplexity, answer_words), decoding (max_new_tokens, temperature, seed,\n"
                + "batch_size), bootstrap (resamples, seed), judge (type: local | endpoint, path, base_url, model,\n"
                + "api_key_env, language: fr | en, max_tokens, with_reference, verdict: generate | scored; scored, for\n"
                + "a local judge: the likeliest of [[A]], [[B]], [[C]] after the prompt, read off the model at once),\n"
                + "output (dir).";
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args a = Args.parse(name(), argv, Set.of("output", "limit", DeviceOption.FLAG), Set.of());
        Path configFile = Args.existingFile(name(), a.positional(name(), 0, "CONFIG.yaml"));
        a.expectPositionals(name(), 1);
        String file = configFile.toString();
        Path base = configFile.toAbsolutePath().getParent();
        YamlSection root = YamlSection.load(name(), configFile);

        YamlSection modelSection = root.section("model");
        Path modelPath = resolve(base, modelSection.requiredString("path"));
        String template = modelSection.string("chat_template", null);
        Device device = DeviceOption.fromRun(name(), a, modelSection, file);
        modelSection.finish();
        if (template != null && !ChatTemplate.BUILT_IN.contains(template)) {
            throw new UsageException(file + ": model.chat_template '" + template + "' is not one of "
                    + String.join(", ", ChatTemplate.BUILT_IN));
        }

        List<YamlSection> candidates = root.sections("candidates");
        if (candidates.isEmpty()) {
            throw new UsageException(file + ": 'candidates' must list at least one candidate");
        }
        String reference = root.string("reference", null);

        YamlSection data = root.section("dataset");
        Path dataPath = resolve(base, data.requiredString("path"));
        String split = data.string("split", "test");
        if (Files.isDirectory(dataPath)) {
            dataPath = dataPath.resolve(split + ".jsonl");
        }
        int limit = data.integer("limit", Integer.MAX_VALUE);
        if (a.has("limit")) {
            limit = a.getInt("limit", 0);
            data.override("limit", limit);
        }
        String schema = data.string("json_schema", null);
        data.finish();

        List<Metric> metrics;
        try {
            List<String> names = root.strings("metrics");
            metrics = Metric.parseAll(names.isEmpty() ? List.of("bleu", "rougeL", "answer_words") : names);
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": metrics: " + e.getMessage());
        }

        YamlSection dec = root.section("decoding");
        GenerationSettings decoding;
        int batchSize = dec.integer("batch_size", 8);
        try {
            decoding = GenerationSettings.builder().maxNewTokens(dec.integer("max_new_tokens", 256))
                    .temperature(dec.number("temperature", 0)).seed(dec.integer("seed", 42)).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": decoding: " + e.getMessage());
        }
        dec.finish();

        YamlSection boot = root.section("bootstrap");
        int resamples = boot.integer("resamples", 1000);
        int bootSeed = boot.integer("seed", 42);
        boot.finish();

        YamlSection judgeSection = root.has("judge") ? root.section("judge") : null;
        YamlSection output = root.section("output");
        Path runDir = a.has("output") ? Path.of(a.get("output", "")) : resolve(base, output.string("dir", "runs/eval"));
        output.finish();

        List<CausalLM> loaded = new ArrayList<>();
        try {
            CausalLM model = load(modelPath, device, loaded);
            Evaluator.Builder b = Evaluator.builder()
                    .dataset(base.relativize(dataPath.toAbsolutePath()).toString(), Datasets.load(dataPath))
                    .decoding(decoding).metrics(metrics).batchSize(batchSize).resamples(resamples).seed(bootSeed)
                    .progress(System.err::println);
            if (limit != Integer.MAX_VALUE) {
                b.limit(limit);
            }
            if (template != null) {
                b.renderer(PromptRenderer.builtIn(template, model.tokenizer()));
            }
            if (schema != null) {
                b.jsonSchema(JsonSchema.read(resolve(base, schema)));
            }
            for (YamlSection c : candidates) {
                addCandidate(b, c, model, base, loaded);
            }
            if (reference != null) {
                b.reference(reference);
            }
            if (judgeSection != null) {
                addJudge(b, judgeSection, base, modelPath, model, loaded);
            }
            root.finish();
            EvaluationResult result;
            try {
                result = b.build().run();
            } catch (IllegalArgumentException e) {
                throw new UsageException(name() + ": " + e.getMessage());
            }
            result.save(runDir);
            EvaluationView view = EvaluationView.of(result);
            view.saveHtml(runDir);
            System.out.println(view.mimeBundle().text());
            System.err.println("wrote " + runDir.resolve(EvaluationResult.JSON_FILE) + " and "
                    + runDir.resolve(EvaluationView.HTML_FILE));
            return 0;
        } finally {
            loaded.forEach(CausalLM::close);
        }
    }

    private void addCandidate(Evaluator.Builder b, YamlSection c, CausalLM model, Path base, List<CausalLM> loaded) {
        String type = c.string("type", "base");
        String name = c.string("name", type);
        try {
            switch (type) {
                case "base" -> b.model(name, model);
                case "adapter" -> b.adapter(name, model, resolve(base, c.requiredString("path")));
                case "merged" -> b.merged(name, model, resolve(base, c.requiredString("path")));
                case "model" -> b.model(name, load(resolve(base, c.requiredString("path")), model.manager().getDevice(),
                        loaded));
                case "endpoint" -> b.endpoint(name, endpoint(c));
                default -> throw new UsageException(name() + ": candidate " + name + ": type '" + type
                        + "' is not one of " + String.join(", ", CANDIDATE_TYPES));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": candidate " + name + ": " + e.getMessage());
        }
        c.finish();
    }

    private void addJudge(Evaluator.Builder b, YamlSection j, Path base, Path modelPath, CausalLM model,
            List<CausalLM> loaded) {
        String type = j.string("type", "endpoint");
        ChatBackend backend;
        if (type.equals("local")) {
            Path path = resolve(base, j.string("path", modelPath.toString()));
            CausalLM judge = path.equals(modelPath) ? model : load(path, model.manager().getDevice(), loaded);
            backend = new LocalChatBackend(judge, path.getFileName().toString());
        } else if (type.equals("endpoint")) {
            backend = endpoint(j);
        } else {
            throw new UsageException(name() + ": judge.type '" + type + "' is not local or endpoint");
        }
        String verdict = j.string("verdict", "generate");
        if (verdict.equals("scored")) {
            if (!(backend instanceof LocalChatBackend local)) {
                throw new UsageException(name() + ": judge.verdict: scored needs judge.type: local (an endpoint's"
                        + " answer cannot be scored here)");
            }
            backend = local.scoringChoices();
        } else if (!verdict.equals("generate")) {
            throw new UsageException(name() + ": judge.verdict '" + verdict + "' is not generate or scored");
        }
        String language = j.string("language", "fr");
        JudgePrompts prompts = switch (language) {
            case "fr" -> JudgePrompts.french();
            case "en" -> JudgePrompts.english();
            default -> throw new UsageException(name() + ": judge.language '" + language + "' is not fr or en");
        };
        JudgeSettings settings = JudgeSettings.builder().maxTokens(j.integer("max_tokens", 512)).build();
        b.judge(new PairwiseJudge(backend, prompts, settings), j.bool("with_reference", true));
        j.finish();
    }

    private static OpenAiClient endpoint(YamlSection s) {
        OpenAiClientConfig.Builder config = OpenAiClientConfig.builder(s.requiredString("base_url"),
                s.requiredString("model"));
        String key = s.string("api_key_env", null);
        if (key != null) {
            config.apiKeyEnv(key);
        }
        return new OpenAiClient(config.build());
    }

    /** Every local model of an evaluation goes on the device of the config's model. */
    private static CausalLM load(Path dir, Device device, List<CausalLM> loaded) {
        CausalLM m = CausalLM.load(dir, device);
        loaded.add(m);
        return m;
    }

    /** Relative paths in a run config are relative to the config file, wherever the command runs. */
    private static Path resolve(Path base, String p) {
        Path path = Path.of(p);
        return path.isAbsolute() ? path : base.resolve(path).normalize();
    }
}
