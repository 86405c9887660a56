package io.tunebook.eval.judge;

/**
 * The judge's prompts, after MT-Bench (Zheng et al., 2023): pairwise comparison, single-answer
 * grading on 1 to 10, and both guided by a reference answer. {@link #english()} and {@link #french()}
 * are starting points; replace any template with the {@code with...} methods.
 *
 * <p>Placeholders: {@code {question}}, {@code {answer_a}} and {@code {answer_b}} (pairwise),
 * {@code {answer}} (single), {@code {reference}} (the reference-guided ones). Verdicts are read as
 * {@code [[A]]}, {@code [[B]]}, {@code [[C]]} (tie) and ratings as {@code [[7]]}: keep those formats
 * in edited prompts.
 */
public record JudgePrompts(Template pairwise, Template pairwiseWithReference, Template single,
        Template singleWithReference) {

    public JudgePrompts {
        pairwise.require("pairwise", "question", "answer_a", "answer_b");
        pairwiseWithReference.require("pairwiseWithReference", "question", "answer_a", "answer_b", "reference");
        single.require("single", "question", "answer");
        singleWithReference.require("singleWithReference", "question", "answer", "reference");
    }

    public JudgePrompts withPairwise(Template t) {
        return new JudgePrompts(t, pairwiseWithReference, single, singleWithReference);
    }

    public JudgePrompts withPairwiseWithReference(Template t) {
        return new JudgePrompts(pairwise, t, single, singleWithReference);
    }

    public JudgePrompts withSingle(Template t) {
        return new JudgePrompts(pairwise, pairwiseWithReference, t, singleWithReference);
    }

    public JudgePrompts withSingleWithReference(Template t) {
        return new JudgePrompts(pairwise, pairwiseWithReference, single, t);
    }

    private static final String PAIR_ANSWERS_EN = "[The Start of Assistant A's Answer]\n{answer_a}\n"
            + "[The End of Assistant A's Answer]\n\n[The Start of Assistant B's Answer]\n{answer_b}\n"
            + "[The End of Assistant B's Answer]";
    private static final String PAIR_VERDICT_EN = " After providing your explanation, output your final verdict by "
            + "strictly following this format: \"[[A]]\" if assistant A is better, \"[[B]]\" if assistant B is "
            + "better, and \"[[C]]\" for a tie.";
    private static final String RATING_EN = " After providing your explanation, you must rate the response on a "
            + "scale of 1 to 10 by strictly following this format: \"[[rating]]\", for example: \"Rating: [[5]]\".";

    /** MT-Bench's prompts. */
    public static JudgePrompts english() {
        return new JudgePrompts(
                new Template("Please act as an impartial judge and evaluate the quality of the responses provided by "
                        + "two AI assistants to the user question displayed below. You should choose the assistant "
                        + "that follows the user's instructions and answers the user's question better. Your "
                        + "evaluation should consider factors such as the helpfulness, relevance, accuracy, depth, "
                        + "creativity, and level of detail of their responses. Begin your evaluation by comparing "
                        + "the two responses and provide a short explanation. Avoid any position biases and ensure "
                        + "that the order in which the responses were presented does not influence your decision. "
                        + "Do not allow the length of the responses to influence your evaluation. Do not favor "
                        + "certain names of the assistants. Be as objective as possible." + PAIR_VERDICT_EN,
                        "[User Question]\n{question}\n\n" + PAIR_ANSWERS_EN),
                new Template("Please act as an impartial judge and evaluate the quality of the responses provided by "
                        + "two AI assistants to the user question displayed below. Your evaluation should consider "
                        + "correctness and helpfulness. You will be given a reference answer, assistant A's answer, "
                        + "and assistant B's answer. Your job is to evaluate which assistant's answer is better. "
                        + "Begin your evaluation by comparing both assistants' answers with the reference answer. "
                        + "Identify and correct any mistakes. Avoid any position biases and ensure that the order in "
                        + "which the responses were presented does not influence your decision. Do not allow the "
                        + "length of the responses to influence your evaluation. Do not favor certain names of the "
                        + "assistants. Be as objective as possible." + PAIR_VERDICT_EN,
                        "[User Question]\n{question}\n\n[The Start of Reference Answer]\n{reference}\n"
                                + "[The End of Reference Answer]\n\n" + PAIR_ANSWERS_EN),
                new Template("Please act as an impartial judge and evaluate the quality of the response provided by "
                        + "an AI assistant to the user question displayed below. Your evaluation should consider "
                        + "factors such as the helpfulness, relevance, accuracy, depth, creativity, and level of "
                        + "detail of the response. Begin your evaluation by providing a short explanation. Be as "
                        + "objective as possible." + RATING_EN,
                        "[Question]\n{question}\n\n[The Start of Assistant's Answer]\n{answer}\n"
                                + "[The End of Assistant's Answer]"),
                new Template("Please act as an impartial judge and evaluate the quality of the response provided by "
                        + "an AI assistant to the user question displayed below. Your evaluation should consider "
                        + "correctness and helpfulness. You will be given a reference answer and the assistant's "
                        + "answer. Begin your evaluation by comparing the assistant's answer with the reference "
                        + "answer. Identify and correct any mistakes. Be as objective as possible." + RATING_EN,
                        "[Question]\n{question}\n\n[The Start of Reference Answer]\n{reference}\n"
                                + "[The End of Reference Answer]\n\n[The Start of Assistant's Answer]\n{answer}\n"
                                + "[The End of Assistant's Answer]"));
    }

    private static final String PAIR_ANSWERS_FR = "[Début de la réponse de l'assistant A]\n{answer_a}\n"
            + "[Fin de la réponse de l'assistant A]\n\n[Début de la réponse de l'assistant B]\n{answer_b}\n"
            + "[Fin de la réponse de l'assistant B]";
    private static final String PAIR_VERDICT_FR = " Après ton explication, donne ton verdict final en respectant "
            + "strictement ce format : « [[A]] » si l'assistant A est meilleur, « [[B]] » si l'assistant B est "
            + "meilleur, « [[C]] » en cas d'égalité.";
    private static final String RATING_FR = " Après ton explication, note la réponse de 1 à 10 en respectant "
            + "strictement ce format : « [[note]] », par exemple : « Note : [[5]] ».";

    /** The same prompts in French, for judging French answers with a French-speaking judge. */
    public static JudgePrompts french() {
        return new JudgePrompts(
                new Template("Agis en juge impartial et évalue la qualité des réponses de deux assistants à la "
                        + "question ci-dessous. Choisis l'assistant qui suit le mieux les instructions et répond le "
                        + "mieux à la question, en tenant compte de l'utilité, de la pertinence, de l'exactitude, de "
                        + "la profondeur, de la créativité et du niveau de détail. Commence par comparer les deux "
                        + "réponses et donne une courte explication. Évite tout biais de position : l'ordre de "
                        + "présentation ne doit pas influencer ta décision, ni la longueur des réponses, ni le nom "
                        + "des assistants. Sois aussi objectif que possible." + PAIR_VERDICT_FR,
                        "[Question]\n{question}\n\n" + PAIR_ANSWERS_FR),
                new Template("Agis en juge impartial et évalue la qualité des réponses de deux assistants à la "
                        + "question ci-dessous, en tenant compte de l'exactitude et de l'utilité. Tu reçois une "
                        + "réponse de référence, la réponse de l'assistant A et celle de l'assistant B. Compare "
                        + "d'abord chaque réponse à la référence et relève les erreurs. Évite tout biais de "
                        + "position, de longueur ou de nom. Sois aussi objectif que possible." + PAIR_VERDICT_FR,
                        "[Question]\n{question}\n\n[Début de la réponse de référence]\n{reference}\n"
                                + "[Fin de la réponse de référence]\n\n" + PAIR_ANSWERS_FR),
                new Template("Agis en juge impartial et évalue la qualité de la réponse d'un assistant à la "
                        + "question ci-dessous, en tenant compte de l'utilité, de la pertinence, de l'exactitude, de "
                        + "la profondeur, de la créativité et du niveau de détail. Commence par une courte "
                        + "explication. Sois aussi objectif que possible." + RATING_FR,
                        "[Question]\n{question}\n\n[Début de la réponse de l'assistant]\n{answer}\n"
                                + "[Fin de la réponse de l'assistant]"),
                new Template("Agis en juge impartial et évalue la qualité de la réponse d'un assistant à la "
                        + "question ci-dessous, en tenant compte de l'exactitude et de l'utilité. Tu reçois une "
                        + "réponse de référence et la réponse de l'assistant : compare-les et relève les erreurs. "
                        + "Sois aussi objectif que possible." + RATING_FR,
                        "[Question]\n{question}\n\n[Début de la réponse de référence]\n{reference}\n"
                                + "[Fin de la réponse de référence]\n\n[Début de la réponse de l'assistant]\n{answer}\n"
                                + "[Fin de la réponse de l'assistant]"));
    }
}
