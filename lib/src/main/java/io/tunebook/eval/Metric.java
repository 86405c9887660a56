package io.tunebook.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link Evaluator} measures on each candidate's answers, chosen per task: BLEU and ROUGE for
 * free text against a reference answer, exact match for short answers, JSON validity, schema
 * conformance and exact match for structured outputs, perplexity of the reference answer (local
 * models only), and answer length. Each has a corpus value (the one in the summary) and a value per
 * example.
 */
public enum Metric {
    /** Corpus BLEU (sacrebleu, 0-100); per example, sentence BLEU. */
    BLEU("bleu", Better.HIGHER),
    /** Mean ROUGE-1 F-measure (0-1). */
    ROUGE_1("rouge1", Better.HIGHER),
    /** Mean ROUGE-2 F-measure (0-1). */
    ROUGE_2("rouge2", Better.HIGHER),
    /** Mean ROUGE-L F-measure (0-1). */
    ROUGE_L("rougeL", Better.HIGHER),
    /** Share of answers equal to the reference after normalisation (0-1). */
    EXACT_MATCH("exact_match", Better.HIGHER),
    /** Share of answers that parse as strict JSON (0-1). */
    JSON_VALID("json_valid", Better.HIGHER),
    /** Share of answers that parse and conform to the task's JSON schema (0-1). */
    JSON_SCHEMA("json_schema", Better.HIGHER),
    /** Share of answers whose JSON equals the reference's (0-1). */
    JSON_EXACT("json_exact", Better.HIGHER),
    /**
     * Perplexity of the reference answers (with the end-of-turn token) given the prompts,
     * token-weighted over the corpus; lower is better; local candidates only.
     */
    PERPLEXITY("perplexity", Better.LOWER),
    /** Mean answer length in words; neither better high nor low, to compare with the references. */
    LENGTH("answer_words", Better.NEITHER);

    /** Which way a metric improves. */
    public enum Better {
        HIGHER, LOWER, NEITHER
    }

    private final String key;
    private final Better better;

    Metric(String key, Better better) {
        this.key = key;
        this.better = better;
    }

    /** The name in configs, tables and JSON. */
    public String key() {
        return key;
    }

    public Better better() {
        return better;
    }

    /** A metric by key, or a group: {@code rouge} (1, 2, L) and {@code json} (valid, schema, exact). */
    public static List<Metric> parse(String name) {
        String n = name.trim();
        if (n.equalsIgnoreCase("rouge")) {
            return List.of(ROUGE_1, ROUGE_2, ROUGE_L);
        }
        if (n.equalsIgnoreCase("json")) {
            return List.of(JSON_VALID, JSON_SCHEMA, JSON_EXACT);
        }
        for (Metric m : values()) {
            if (m.key.equalsIgnoreCase(n) || m.name().equalsIgnoreCase(n)) {
                return List.of(m);
            }
        }
        throw new IllegalArgumentException("unknown metric '" + name + "'; choose among rouge, json, "
                + Arrays.stream(values()).map(Metric::key).collect(Collectors.joining(", ")));
    }

    /** Every metric of every name, in order, without repeats. */
    public static List<Metric> parseAll(List<String> names) {
        List<Metric> out = new ArrayList<>();
        for (String n : names) {
            for (Metric m : parse(n)) {
                if (!out.contains(m)) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return key;
    }
}
