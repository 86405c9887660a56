package io.tunebook.cli;

import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

final class GenerateCommand implements Command {
    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "continue a prompt with a model";
    }

    @Override
    public String help() {
        return "usage: tunebook generate DIR --prompt P [--max-new-tokens N] [--temperature T] [--top-k K]\n"
                + "                         [--top-p P] [--repetition-penalty R] [--stop S] [--seed N] [--json]\n"
                + "Temperature 0 (the default) is greedy and deterministic. Without --json the text streams as it\n"
                + "is generated. --json prints {\"text\", \"ids\", \"prompt_ids\", \"finish_reason\"}.";
    }

    @Override
    public int run(String[] argv) {
        Args a = Args.parse(name(), argv, Set.of("prompt", "max-new-tokens", "temperature", "top-k", "top-p",
                "repetition-penalty", "stop", "seed"), Set.of("json"));
        Path dir = Args.existingDirectory(name(), a.positional(name(), 0, "model directory"));
        a.expectPositionals(name(), 1);
        if (!a.has("prompt")) {
            throw new UsageException(name() + ": --prompt is required");
        }
        GenerationSettings.Builder settings = GenerationSettings.builder()
                .maxNewTokens(a.getInt("max-new-tokens", 64))
                .temperature(a.getDouble("temperature", 0))
                .topK(a.getInt("top-k", 0))
                .topP(a.getDouble("top-p", 1.0))
                .repetitionPenalty(a.getDouble("repetition-penalty", 1.0))
                .seed(a.getInt("seed", 42));
        if (a.has("stop")) {
            settings.stopStrings(a.get("stop", ""));
        }
        GenerationSettings built;
        try {
            built = settings.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
        boolean json = a.has("json");
        try (CausalLM model = CausalLM.load(dir)) {
            GenerationResult r = Generator.of(model).generate(List.of(a.get("prompt", "")), built,
                    json ? null : (row, id, delta) -> {
                        System.out.print(delta);
                        System.out.flush();
                    }).get(0);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("text", r.text());
                out.put("ids", r.ids());
                out.put("prompt_ids", r.promptIds());
                out.put("finish_reason", r.finishReason().name().toLowerCase());
                System.out.println(Json.GSON.toJson(out));
            } else {
                System.out.println();
            }
        }
        return 0;
    }
}
