package io.tunebook.eval.judge;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.tunebook.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A judge run as JSON, to save beside a notebook: the judge model, the prompts used, the summary and
 * every item with both raw answers and what was read from them. It holds what the judge said, never
 * how it was reached (no URL credentials, no key).
 */
public final class JudgeReport {
    private JudgeReport() {
    }

    public static JsonObject pairwise(String judgeModel, JudgePrompts prompts, List<PairwiseResult> results) {
        JsonObject o = header("pairwise", judgeModel);
        o.add("prompts", templates(Map.of("pairwise", prompts.pairwise(), "pairwise_with_reference",
                prompts.pairwiseWithReference())));
        o.add("summary", summary(JudgeSummary.of(results)));
        JsonArray items = new JsonArray();
        for (PairwiseResult r : results) {
            PairwiseItem item = r.item();
            JsonObject j = item(item.id(), item.category(), item.question(), item.reference());
            j.addProperty("answer_a", item.answerA());
            j.addProperty("answer_b", item.answerB());
            j.add("verdict", optional(r.verdict().map(JudgeReport::label)));
            j.addProperty("consistent", r.consistent());
            j.add("original", judgment(r.original(), JudgeReport::label));
            j.add("swapped", judgment(r.swapped(), JudgeReport::label));
            items.add(j);
        }
        o.add("results", items);
        return o;
    }

    public static JsonObject grades(String judgeModel, JudgePrompts prompts, List<GradeResult> results) {
        JsonObject o = header("single", judgeModel);
        o.add("prompts", templates(Map.of("single", prompts.single(), "single_with_reference",
                prompts.singleWithReference())));
        GradeSummary s = GradeSummary.of(results);
        o.add("summary", gradeSummary(s));
        JsonArray items = new JsonArray();
        for (GradeResult r : results) {
            GradingItem item = r.item();
            JsonObject j = item(item.id(), item.category(), item.question(), item.reference());
            j.addProperty("answer", item.answer());
            j.add("judgment", judgment(r.judgment(), JsonPrimitive::new));
            items.add(j);
        }
        o.add("results", items);
        return o;
    }

    /** Writes {@code report} to {@code file} atomically, pretty-printed. */
    public static void save(JsonObject report, Path file) throws IOException {
        byte[] bytes = (new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(report) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, bytes);
    }

    private static JsonObject header(String kind, String judgeModel) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", kind);
        o.addProperty("judge_model", judgeModel);
        return o;
    }

    private static JsonObject templates(Map<String, Template> named) {
        JsonObject o = new JsonObject();
        named.forEach((name, t) -> {
            JsonObject j = new JsonObject();
            j.addProperty("system", t.system());
            j.addProperty("user", t.user());
            o.add(name, j);
        });
        return o;
    }

    private static JsonObject item(String id, String category, String question, Optional<String> reference) {
        JsonObject j = new JsonObject();
        j.addProperty("id", id);
        j.addProperty("category", category);
        j.addProperty("question", question);
        reference.ifPresent(r -> j.addProperty("reference", r));
        return j;
    }

    private static JsonPrimitive label(Verdict v) {
        return new JsonPrimitive(v == Verdict.TIE ? "tie" : v.name());
    }

    private static <T> JsonObject judgment(Judgment<T> j, java.util.function.Function<T, JsonElement> value) {
        JsonObject o = new JsonObject();
        o.addProperty("raw", j.raw());
        o.add("parsed", j.parsed().map(value).orElse(JsonNull.INSTANCE));
        o.add("problem", optional(j.problem().map(JsonPrimitive::new)));
        o.addProperty("prompt_tokens", j.usage().promptTokens());
        o.addProperty("completion_tokens", j.usage().completionTokens());
        o.addProperty("cached", j.cached());
        return o;
    }

    private static JsonElement optional(Optional<? extends JsonElement> e) {
        return e.isPresent() ? e.get() : JsonNull.INSTANCE;
    }

    /** A summary as the reports write it: counts, each rate with its interval, consistency, categories. */
    public static JsonObject summary(JudgeSummary s) {
        JsonObject o = new JsonObject();
        o.addProperty("total", s.total());
        o.addProperty("judged", s.judged());
        o.addProperty("unparseable", s.unparseable());
        o.add("win_a", rate(s.winA()));
        o.add("tie", rate(s.tie()));
        o.add("win_b", rate(s.winB()));
        o.add("position_consistency", rate(s.consistency()));
        o.addProperty("inconsistent", s.inconsistent());
        if (!s.byCategory().isEmpty()) {
            JsonObject c = new JsonObject();
            s.byCategory().forEach((name, sub) -> c.add(name, summary(sub)));
            o.add("by_category", c);
        }
        return o;
    }

    /** A number, or null where it is undefined (a rate of nothing): JSON has no NaN. */
    public static JsonElement number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    private static JsonObject rate(Rate r) {
        JsonObject o = new JsonObject();
        o.addProperty("count", r.count());
        o.addProperty("n", r.n());
        o.add("rate", number(r.rate()));
        o.add("ci95_low", number(r.low()));
        o.add("ci95_high", number(r.high()));
        return o;
    }

    private static JsonObject gradeSummary(GradeSummary s) {
        JsonObject o = new JsonObject();
        o.addProperty("total", s.total());
        o.addProperty("graded", s.graded());
        o.addProperty("unparseable", s.unparseable());
        o.add("mean", number(s.mean()));
        o.add("ci95_low", number(s.low()));
        o.add("ci95_high", number(s.high()));
        if (!s.byCategory().isEmpty()) {
            JsonObject c = new JsonObject();
            s.byCategory().forEach((name, sub) -> c.add(name, gradeSummary(sub)));
            o.add("by_category", c);
        }
        return o;
    }
}
