package io.tunebook.cli;

import io.tunebook.data.Message;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.TokenListener;
import java.nio.file.Path;
import java.util.ArrayList;
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
        return "usage: tunebook generate DIR --prompt P [--adapter A] [--chat] [--system S] [--max-new-tokens N]\n"
                + "                         [--temperature T] [--top-k K] [--top-p P] [--repetition-penalty R] [--stop S]\n"
                + "                         [--seed N] [--dtype D] [--device D] [--json]\n"
                + "Temperature 0 (the default) is greedy and deterministic. Without --json the text streams as it\n"
                + "is generated. --json prints {\"text\", \"ids\", \"prompt_ids\", \"finish_reason\"}.\n"
                + "--adapter loads a LoRA adapter (PEFT layout) onto the model. --chat sends the prompt as a user turn\n"
                + "(after --system, if given) through the model's chat template and stops at the end of the answer.\n"
                + Args.DTYPE_HELP + "\n" + DeviceOption.HELP;
    }

    @Override
    public int run(String[] argv) {
        Args a = Args.parse(name(), argv, Set.of("prompt", "max-new-tokens", "temperature", "top-k", "top-p",
                "repetition-penalty", "stop", "seed", "adapter", "system", "dtype", DeviceOption.FLAG),
                Set.of("json", "chat"));
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
        Path adapterDir = a.has("adapter") ? Args.existingDirectory(name(), a.get("adapter", "")) : null;
        if (a.has("system") && !a.has("chat")) {
            throw new UsageException(name() + ": --system needs --chat");
        }
        try (CausalLM model = CausalLM.load(dir, a.loadOptions(name()));
                LoraModel adapter = adapterDir == null ? null : LoraModel.load(model, adapterDir)) {
            String prompt = a.get("prompt", "");
            TokenListener print = json ? null : (row, id, delta) -> {
                System.out.print(delta);
                System.out.flush();
            };
            GenerationResult r;
            if (a.has("chat")) {
                if (model.tokenizer().chatTemplate().isEmpty()) {
                    throw new UsageException(name() + ": " + dir + " has no chat_template; drop --chat");
                }
                List<Message> messages = new ArrayList<>();
                if (a.has("system")) {
                    messages.add(Message.system(a.get("system", "")));
                }
                messages.add(Message.user(prompt));
                r = Generator.of(model).chat(messages, built, print);
            } else {
                r = Generator.of(model).generateIds(List.of(model.tokenizer().encode(prompt, true)), built, print).get(0);
            }
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
