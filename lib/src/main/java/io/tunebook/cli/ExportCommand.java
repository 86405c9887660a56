package io.tunebook.cli;

import io.tunebook.export.Exporter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "export a model (+ adapter) as GGUF for llama.cpp/Ollama, a merged HF directory, or a PEFT adapter";
    }

    @Override
    public String help() {
        return "usage: tunebook export MODEL_DIR [--adapter A] --format gguf|hf|peft [--type T] --output DIR\n"
                + "                       [--system S] [--name N] [--evaluation evaluation.json] [--max-shard-size 5GB]\n"
                + "Writes DIR (which must not exist) under a temporary name and renames it when complete; a model the\n"
                + "format cannot hold is refused before anything is written. Every export has a README.md model card.\n"
                + "  --format gguf  NAME-TYPE.gguf for llama.cpp (the adapter merged in) and an Ollama Modelfile (chat\n"
                + "                 template translated for ChatML/Qwen, Llama 3, Mistral; stop tokens; SYSTEM from --system)\n"
                + "                 --type f32 | f16 (default) | bf16 | q8_0 | q4_0 | q4_k_m\n"
                + "  --format hf    the merged model as a Hugging Face directory (transformers, vLLM, TGI): safetensors\n"
                + "                 sharded above --max-shard-size, config, generation config, tokenizer with chat template\n"
                + "                 --type f32 | f16 | bf16 (default: the base's torch_dtype)\n"
                + "  --format peft  the adapter alone (vLLM --enable-lora, PEFT), checked on its base\n"
                + "An adapter trained with QLoRA is merged into MODEL_DIR's original (dense) weights, in float32.";
    }

    @Override
    public int run(String[] argv) {
        Args a = Args.parse(name(), argv, Set.of("adapter", "format", "type", "output", "system", "name", "evaluation",
                "max-shard-size"), Set.of());
        Path model = Args.existingDirectory(name(), a.positional(name(), 0, "model directory"));
        a.expectPositionals(name(), 1);
        if (!a.has("format")) {
            throw new UsageException(name() + ": --format gguf|hf|peft is required");
        }
        if (!a.has("output")) {
            throw new UsageException(name() + ": --output DIR is required");
        }
        Exporter.Builder b = Exporter.builder(model).format(Exporter.Format.parse(a.get("format", null)))
                .type(a.get("type", null)).system(a.get("system", null)).name(a.get("name", null));
        if (a.has("adapter")) {
            b.adapter(Args.existingDirectory(name(), a.get("adapter", null)));
        }
        if (a.has("evaluation")) {
            b.evaluation(Args.existingFile(name(), a.get("evaluation", null)));
        }
        if (a.has("max-shard-size")) {
            b.maxShardBytes(bytes(a.get("max-shard-size", null)));
        }
        Exporter.Result r = b.build().to(Path.of(a.get("output", null)));
        System.out.println("wrote " + r.directory());
        for (String f : r.files()) {
            System.out.println("  " + f);
        }
        r.notes().forEach(n -> System.err.println("note: " + n));
        return 0;
    }

    /** "5GB", "500MB", "2GiB", "1000000": bytes, with transformers' decimal units. */
    static long bytes(String v) {
        String s = v.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        String[][] units = {{"GIB", "1073741824"}, {"MIB", "1048576"}, {"KIB", "1024"}, {"GB", "1000000000"},
            {"MB", "1000000"}, {"KB", "1000"}, {"B", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).strip();
                break;
            }
        }
        try {
            double n = Double.parseDouble(s);
            if (!(n > 0)) {
                throw new NumberFormatException();
            }
            return (long) (n * unit);
        } catch (NumberFormatException e) {
            throw new UsageException("export: --max-shard-size must be a size such as 5GB or 500MB, got '" + v + "'");
        }
    }
}
