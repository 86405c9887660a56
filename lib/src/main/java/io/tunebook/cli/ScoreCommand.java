package io.tunebook.cli;

import io.tunebook.model.CausalLM;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

final class ScoreCommand implements Command {
    @Override
    public String name() {
        return "score";
    }

    @Override
    public String summary() {
        return "log-probabilities of a text or token ids under a model";
    }

    @Override
    public String help() {
        return "usage: tunebook score DIR (--text T | --ids 1,2,3) [--dtype D] [--device D] [--json]\n"
                + "Prints ids, logprobs (logprobs[i] = log p(ids[i+1] | ids[0..i])) and nll_mean.\n"
                + "--text is encoded with the model's tokenizer, with its special tokens (BOS).\n"
                + Args.DTYPE_HELP + "\n" + DeviceOption.HELP;
    }

    @Override
    public int run(String[] argv) {
        Args a = Args.parse(name(), argv, Set.of("text", "ids", "dtype", DeviceOption.FLAG), Set.of("json"));
        Path dir = Args.existingDirectory(name(), a.positional(name(), 0, "model directory"));
        a.expectPositionals(name(), 1);
        if (a.has("text") == a.has("ids")) {
            throw new UsageException(name() + ": give exactly one of --text or --ids");
        }
        try (CausalLM model = CausalLM.load(dir, a.loadOptions(name()))) {
            long[] ids = a.has("ids") ? parseIds(a.get("ids", ""), model.config().vocabSize())
                    : model.tokenizer().encode(a.get("text", ""), true);
            if (ids.length < 2) {
                throw new UsageException(name() + ": need at least two tokens to score, got " + ids.length);
            }
            float[] logprobs = model.tokenLogProbs(ids);
            double sum = 0;
            for (float lp : logprobs) {
                sum += lp;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ids", ids);
            out.put("logprobs", logprobs);
            out.put("nll_mean", -sum / logprobs.length);
            if (a.has("json")) {
                System.out.println(Json.GSON.toJson(out));
            } else {
                System.out.printf("tokens %d, mean NLL %.4f, perplexity %.2f%n", ids.length, -sum / logprobs.length,
                        Math.exp(-sum / logprobs.length));
            }
        }
        return 0;
    }

    private long[] parseIds(String csv, int vocab) {
        try {
            long[] ids = Arrays.stream(csv.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
            for (long id : ids) {
                if (id < 0 || id >= vocab) {
                    throw new UsageException(name() + ": token id " + id + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            return ids;
        } catch (NumberFormatException e) {
            throw new UsageException(name() + ": --ids must be comma-separated integers, got '" + csv + "'");
        }
    }
}
