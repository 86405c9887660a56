package io.tunebook.eval.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.Message;
import io.tunebook.eval.client.ChatRequest;
import io.tunebook.eval.client.ChatResponse;
import io.tunebook.eval.client.LocalChatBackend;
import io.tunebook.model.CausalLM;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A local judge that reads its verdict off the model's distribution instead of generating it. */
class ScoredVerdictTest {
    private static CausalLM model;

    @BeforeAll
    static void load() {
        model = CausalLM.load(Path.of("../models/tiny-base"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void aScoringBackendAnswersTheLikeliestChoice() {
        List<Message> asked = List.of(Message.user("Bonjour, je n'ai toujours pas reçu ma commande, que faire ?"));
        LocalChatBackend generating = new LocalChatBackend(model, "tiny-base");
        // The greedy first token is the likeliest of the whole vocabulary, so among any choices that hold it
        // as a one-token answer, scoring must pick it: checked through the generation path, not the scorer.
        String greedy = generating.chat(ChatRequest.builder().messages(asked).maxTokens(1).build()).text();
        assertFalse(greedy.isEmpty(), "the model's first token is text");
        assertEquals(1, model.tokenizer().encode(greedy, false).length, "'" + greedy + "' is one token");
        for (List<String> choices : List.of(List.of(greedy, "zq", "[[B]]"), List.of("[[B]]", "zq", greedy))) {
            ChatResponse r = generating.scoringChoices().chat(ChatRequest.builder().messages(asked)
                    .choices(choices.toArray(String[]::new)).build());
            assertEquals(greedy, r.text(), "scored among " + choices);
            assertEquals(0, r.usage().completionTokens(), "nothing is generated");
        }
        // Without choices, the scoring backend generates as before.
        assertEquals(greedy, generating.scoringChoices().chat(ChatRequest.builder().messages(asked).maxTokens(1)
                .build()).text());
    }

    @Test
    void aScoredJudgeGivesAVerdictForEveryItemInBothOrders() {
        List<PairwiseItem> items = List.of(
                PairwiseItem.of("1", "livraison", "Où en est ma commande ?", "Bonjour, votre commande est en route.",
                        "no idea"),
                PairwiseItem.of("2", "retour", "Comment retourner un article ?", "Rendez-vous dans « Mes commandes ».",
                        "Bonjour, voici comment faire : 1. Ouvrez « Mes commandes ». 2. Choisissez « Retourner »."));
        PairwiseJudge judge = new PairwiseJudge(new LocalChatBackend(model, "tiny-base").scoringChoices(),
                JudgePrompts.french(), JudgeSettings.builder().maxTokens(8).build());
        for (PairwiseResult r : judge.compareAll(items)) {
            assertTrue(r.judged(), "item " + r.item().id() + " judged");
            assertTrue(Set.of("[[A]]", "[[B]]", "[[C]]").contains(r.original().raw()), r.original().raw());
            assertTrue(Set.of("[[A]]", "[[B]]", "[[C]]").contains(r.swapped().raw()), r.swapped().raw());
        }
    }
}
