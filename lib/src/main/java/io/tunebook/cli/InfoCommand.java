package io.tunebook.cli;

import io.tunebook.model.CausalLM;
import io.tunebook.model.ModelConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

final class InfoCommand implements Command {
    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "describe a Hugging Face model directory";
    }

    @Override
    public String help() {
        return "usage: tunebook info DIR [--json]\n"
                + "Loads DIR (config.json, safetensors weights, tokenizer) and prints its architecture, parameter\n"
                + "count, layers, hidden size, vocabulary size and stored dtype.";
    }

    @Override
    public int run(String[] argv) {
        Args a = Args.parse(name(), argv, Set.of(), Set.of("json"));
        Path dir = Args.existingDirectory(name(), a.positional(name(), 0, "model directory"));
        a.expectPositionals(name(), 1);
        try (CausalLM model = CausalLM.load(dir)) {
            ModelConfig c = model.config();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("architecture", c.architecture().hfClass());
            out.put("parameters", model.parameterCount());
            out.put("layers", c.numHiddenLayers());
            out.put("hidden_size", c.hiddenSize());
            out.put("vocab_size", c.vocabSize());
            out.put("dtype", c.torchDtype());
            out.put("heads", c.numAttentionHeads());
            out.put("kv_heads", c.numKeyValueHeads());
            out.put("head_dim", c.headDim());
            out.put("intermediate_size", c.intermediateSize());
            out.put("tie_word_embeddings", c.tieWordEmbeddings());
            out.put("max_position_embeddings", c.maxPositionEmbeddings());
            if (a.has("json")) {
                System.out.println(Json.GSON.toJson(out));
            } else {
                out.forEach((k, v) -> System.out.printf("%-24s %s%n", k, v));
            }
        }
        return 0;
    }
}
