package io.tunebook.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The seeds' decision tree between prompting, RAG and fine-tuning, as a questionnaire:
 *
 * <pre>{@code
 * Recommendation r = Decision.ask().needsStyle(true).promptingTried(true).trainingExamples(800).recommend();
 * }</pre>
 *
 * <p>The tree: nothing the base model lacks in behaviour calls for prompting alone, or retrieval when
 * the need is knowledge that changes or must be cited. A behaviour need (style, strict output
 * format, a narrow repetitive task, a smaller and cheaper model) is first put to prompting, which is
 * free and reversible; when prompting has fallen short and there are enough examples, fine-tune,
 * with retrieval beside it when knowledge is needed too. Every step quotes the seed that states it.
 */
public final class Decision {
    private static final Reason PROMPT_FIRST = new Reason("try prompting first: free, instant and reversible",
            "L'approche à essayer : il est gratuit (pas de coût d'entraînement), instantané et réversible.",
            "seed 000, line 29");
    private static final Reason PROMPT_WORKS = new Reason("prompt engineering suffices for standard cases",
            "Le prompt engineering fonctionne / Changements de formatage simples / Cas d’usage standards",
            "seed 003, lines 53-56");
    private static final Reason VALIDATE_WITH_PROMPTING = new Reason(
            "validate the use case with prompting before paying for fine-tuning",
            "they should first validate the use case with prompting before incurring fine-tuning complexity and cost",
            "seed 004, line 34");
    private static final Reason FRESH_DATA = new Reason("the knowledge changes often: retrieve it",
            "✓ Données changent fréquemment (docs, FAQ à jour)", "seed 001, line 11");
    private static final Reason CITATIONS = new Reason("answers must cite their sources: retrieve them",
            "✓ Besoin sources citées (traçabilité)", "seed 001, line 12");
    private static final Reason NO_BEHAVIOUR = new Reason("the model's behaviour need not change",
            "✓ Pas besoin changer \"comportement\" modèle", "seed 001, line 13");
    private static final Reason STYLE = new Reason("a tone or style the model must hold",
            "✓ Ton/style particulier (humour, formalité, jargon métier)", "seed 001, line 18");
    private static final Reason FORMAT = new Reason("a complex output format produced every time",
            "Pour l'apprentissage de formats de sortie complexes, quand le modèle doit systématiquement produire "
                    + "des résultats précis (JSON structure, XML spécifique, format de rapport particulier).",
            "seed 000, line 25");
    private static final Reason NARROW_TASK = new Reason("a specific, repetitive task",
            "✓ Tâche spécifique répétitive (classification, extraction)", "seed 001, line 17");
    private static final Reason LATENCY_COST = new Reason("a smaller model must match a larger one's quality",
            "Coût inférence : Modèle plus petit fine-tuné > grand modèle zero-shot", "seed 001, line 8");
    private static final Reason PROMPT_FELL_SHORT = new Reason("prompting cannot guarantee the behaviour",
            "Le fine-tuning est particulièrement pertinent quand vous avez besoin d'un comportement ou d'un style de "
                    + "réponse spécifique que le prompt engineering seul ne peut garantir de manière fiable.",
            "seed 002, line 58");
    private static final Reason COMBINE = new Reason("behaviour and changing knowledge: fine-tune and retrieve",
            "COMBINAISON (RAG + Fine-tuning): / ✓ Best of both: Modèle fine-tuné + retrieval docs",
            "seed 001, lines 22-23");
    private static final Reason LORA = new Reason("use LoRA or QLoRA, rank 16 to 32",
            "90% cas : LoRA ou QLoRA (r=16-32)", "seed 001, line 514");
    private static final Reason STABLE_DATA = new Reason("the data is stable enough to train on",
            "✓ Données stables (pas updates quotidiens)", "seed 001, line 19");

    /** Examples the seeds ask for: 50-100 to adjust a style, 200-500 to specialise on a task. */
    static final int STYLE_EXAMPLES = 50;
    static final int TASK_EXAMPLES = 200;

    private Decision() {
    }

    /** Starts the questionnaire; every answer defaults to "no", the example count to unknown. */
    public static Questions ask() {
        return new Questions();
    }

    /**
     * The answers given.
     *
     * @param trainingExamples good input/output examples at hand, or -1 when unknown
     */
    public record Answers(boolean needsStyle, boolean needsOutputFormat, boolean narrowRepetitiveTask,
            boolean needsSmallerCheaperModel, boolean knowledgeChangesOften, boolean needsCitations,
            boolean promptingTried, int trainingExamples) {

        boolean behaviourNeed() {
            return needsStyle || needsOutputFormat || narrowRepetitiveTask || needsSmallerCheaperModel;
        }

        boolean knowledgeNeed() {
            return knowledgeChangesOften || needsCitations;
        }

        /** Fewest examples for the behaviour asked: a style alone needs fewer than a task. */
        int examplesNeeded() {
            boolean styleOnly = needsStyle && !needsOutputFormat && !narrowRepetitiveTask && !needsSmallerCheaperModel;
            return styleOnly ? STYLE_EXAMPLES : TASK_EXAMPLES;
        }
    }

    static Recommendation recommend(Answers a) {
        List<Reason> reasons = new ArrayList<>();
        if (!a.behaviourNeed()) {
            if (a.knowledgeChangesOften()) {
                reasons.add(FRESH_DATA);
            }
            if (a.needsCitations()) {
                reasons.add(CITATIONS);
            }
            if (a.knowledgeNeed()) {
                reasons.add(NO_BEHAVIOUR);
                return new Recommendation(Approach.RAG, reasons, a);
            }
            reasons.add(PROMPT_WORKS);
            reasons.add(PROMPT_FIRST);
            return new Recommendation(Approach.PROMPTING, reasons, a);
        }
        List<Reason> needs = behaviourReasons(a);
        if (!a.promptingTried()) {
            reasons.add(VALIDATE_WITH_PROMPTING);
            reasons.add(PROMPT_FIRST);
            reasons.addAll(needs);
            return new Recommendation(Approach.PROMPTING, reasons, a);
        }
        if (a.trainingExamples() >= 0 && a.trainingExamples() < a.examplesNeeded()) {
            reasons.add(new Reason("too few examples: " + a.trainingExamples() + " of the " + a.examplesNeeded()
                    + " needed; keep prompting (few-shot) while collecting more",
                    "Données limitées / Besoin de centaines+ d’exemples", "seed 003, lines 58-60"));
            reasons.addAll(needs);
            return new Recommendation(Approach.PROMPTING, reasons, a);
        }
        reasons.add(PROMPT_FELL_SHORT);
        reasons.addAll(needs);
        if (a.trainingExamples() < 0) {
            reasons.add(new Reason("count the examples first: at least " + a.examplesNeeded() + " for this need",
                    "Ajustement de style50-100 / Spécialisation de tâche200-500 / Comportement complexe1000+",
                    "seed 003, lines 134-136"));
        }
        if (a.knowledgeNeed()) {
            reasons.add(COMBINE);
            reasons.add(a.knowledgeChangesOften() ? FRESH_DATA : CITATIONS);
            reasons.add(LORA);
            return new Recommendation(Approach.RAG_AND_FINE_TUNING, reasons, a);
        }
        reasons.add(STABLE_DATA);
        reasons.add(LORA);
        return new Recommendation(Approach.FINE_TUNING, reasons, a);
    }

    private static List<Reason> behaviourReasons(Answers a) {
        List<Reason> r = new ArrayList<>();
        if (a.needsStyle()) {
            r.add(STYLE);
        }
        if (a.needsOutputFormat()) {
            r.add(FORMAT);
        }
        if (a.narrowRepetitiveTask()) {
            r.add(NARROW_TASK);
        }
        if (a.needsSmallerCheaperModel()) {
            r.add(LATENCY_COST);
        }
        return r;
    }

    /** The questionnaire: answer what applies, then {@link #recommend()}. */
    public static final class Questions {
        private boolean needsStyle;
        private boolean needsOutputFormat;
        private boolean narrowRepetitiveTask;
        private boolean needsSmallerCheaperModel;
        private boolean knowledgeChangesOften;
        private boolean needsCitations;
        private boolean promptingTried;
        private int trainingExamples = -1;

        /** Must answers keep a tone, a style or a jargon (brand voice, legal register)? */
        public Questions needsStyle(boolean v) {
            needsStyle = v;
            return this;
        }

        /** Must every answer follow a complex format (JSON schema, specific XML, a report layout)? */
        public Questions needsOutputFormat(boolean v) {
            needsOutputFormat = v;
            return this;
        }

        /** Is it one narrow task repeated at volume (classification, extraction)? */
        public Questions narrowRepetitiveTask(boolean v) {
            narrowRepetitiveTask = v;
            return this;
        }

        /** Must a smaller, faster or cheaper model do what a large one does today? */
        public Questions needsSmallerCheaperModel(boolean v) {
            needsSmallerCheaperModel = v;
            return this;
        }

        /** Does the knowledge the answers need change often (docs, FAQ, prices)? */
        public Questions knowledgeChangesOften(boolean v) {
            knowledgeChangesOften = v;
            return this;
        }

        /** Must answers cite their sources? */
        public Questions needsCitations(boolean v) {
            needsCitations = v;
            return this;
        }

        /** Has a well-crafted prompt (with examples) been tried and fallen short? */
        public Questions promptingTried(boolean v) {
            promptingTried = v;
            return this;
        }

        /** How many good input/output examples are at hand. */
        public Questions trainingExamples(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("trainingExamples must be >= 0, got " + v);
            }
            trainingExamples = v;
            return this;
        }

        public Recommendation recommend() {
            return Decision.recommend(new Answers(needsStyle, needsOutputFormat, narrowRepetitiveTask,
                    needsSmallerCheaperModel, knowledgeChangesOften, needsCitations, promptingTried,
                    trainingExamples));
        }
    }
}
