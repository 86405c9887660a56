package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.model.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Integration with the shipped tiny-base tokenizer (ChatML chat_template, byte-level BPE). */
class ChatFormatterTest {
    static final Path TINY = Path.of("../models/tiny-base");
    static Tokenizer tokenizer;

    static final Conversation MULTI = Conversation.of(
            Message.system("Tu es l'assistant de Maison Lumière."),
            Message.user("Bonjour, où est ma commande ?"),
            Message.assistant("Elle est partie hier."),
            Message.user("Et quand arrive-t-elle ?"),
            Message.assistant("Demain avant 13 h, normalement. 📦"));

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(TINY);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** The decoded text of each run of consecutive learnt tokens. */
    static List<String> learntRuns(TokenizedExample t) {
        List<String> runs = new ArrayList<>();
        int t0 = -1;
        for (int i = 0; i <= t.length(); i++) {
            boolean learnt = i < t.length() && t.labels()[i] != TokenizedExample.IGNORE_INDEX;
            if (learnt && t0 < 0) {
                t0 = i;
            } else if (!learnt && t0 >= 0) {
                runs.add(tokenizer.decode(Arrays.copyOfRange(t.inputIds(), t0, i), false));
                t0 = -1;
            }
        }
        return runs;
    }

    static TokenizedExample only(ChatFormatter f, Conversation c) {
        TokenizedDataset d = f.tokenize(List.of(Example.of(c)));
        assertEquals(1, d.size(), d.report().toString());
        return d.examples().get(0);
    }

    @Test
    void learnsEveryAssistantTurnWithItsEndOfTurnToken() {
        ChatFormatter f = ChatFormatter.builder(tokenizer).build();
        assertEquals("chat_template of the tokenizer", f.template().name());
        TokenizedExample t = only(f, MULTI);
        String rendered = f.render(Example.of(MULTI));
        assertTrue(rendered.startsWith("<|im_start|>system\nTu es"), rendered);
        assertArrayEquals(tokenizer.encode(rendered, false), t.inputIds(), "the rendered text is tokenized once, as is");
        assertEquals(List.of("Elle est partie hier.<|im_end|>", "Demain avant 13 h, normalement. 📦<|im_end|>"),
                learntRuns(t));
        for (int i = 0; i < t.length(); i++) {
            long l = t.labels()[i];
            assertTrue(l == TokenizedExample.IGNORE_INDEX || l == t.inputIds()[i], "labels are the ids or -100");
        }
    }

    @Test
    void trainOnAllTokensLearnsPromptsToo() {
        TokenizedExample t = only(ChatFormatter.builder(tokenizer).trainOnAllTokens(true).build(), MULTI);
        assertArrayEquals(t.inputIds(), t.labels());
    }

    @Test
    void builtInTemplatesMarkTheirOwnEndOfTurn() {
        ChatFormatter llama = ChatFormatter.builder(tokenizer).template(ChatTemplate.builtIn("llama3")).build();
        List<String> runs = learntRuns(only(llama, MULTI));
        assertEquals(2, runs.size(), runs.toString());
        assertTrue(runs.get(0).startsWith("Elle est partie hier.<|eot_id|>"), runs.get(0));
        assertTrue(runs.get(1).startsWith("Demain avant 13 h, normalement. 📦<|eot_id|>"), runs.get(1));

        ChatFormatter alpaca = ChatFormatter.builder(tokenizer).template(ChatTemplate.builtIn("alpaca")).build();
        Conversation single = Conversation.of("Où est ma commande ?", "Partie hier.");
        assertEquals("<|begin_of_text|>Below is an instruction that describes a task. Write a response that "
                + "appropriately completes the request.\n\n### Instruction:\nOù est ma commande ?\n\n### Response:\n"
                + "Partie hier.<|end_of_text|>\n\n", alpaca.render(Example.of(single)));
        assertEquals(List.of("Partie hier.<|end_of_text|>"), learntRuns(only(alpaca, single)));
    }

    @Test
    void refusesTemplatesThatAreNotPrefixStable() throws Exception {
        // Mistral v0.3 puts the system message into the last user turn only: earlier turns move.
        String source = Files.readString(ChatTemplateTest.DIR.resolve("mistral-v0.3.jinja"));
        ChatFormatter f = ChatFormatter.builder(tokenizer).template(ChatTemplate.of("mistral-v0.3", source)).build();
        Conversation withSystem = Conversation.of(Message.system("Sois bref."), Message.user("Bonjour"),
                Message.assistant("Bonjour !"), Message.user("Ça va ?"), Message.assistant("Oui."));
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> f.tokenize(List.of(Example.of(withSystem))));
        assertTrue(e.getMessage().startsWith("<memory>#0: chat template mistral-v0.3 is not prefix-stable"),
                e.getMessage());
        assertTrue(e.getMessage().contains("trainOnAllTokens(true)"), e.getMessage());
        // Without a system message it is prefix-stable; with all tokens learnt, no prefix is needed.
        assertEquals(List.of(" Bonjour !<|end_of_text|>", " Oui.<|end_of_text|>"),
                learntRuns(only(f, Conversation.of(Message.user("Bonjour"), Message.assistant("Bonjour !"),
                        Message.user("Ça va ?"), Message.assistant("Oui.")))));
        ChatFormatter all = ChatFormatter.builder(tokenizer).template(ChatTemplate.of("mistral-v0.3", source))
                .trainOnAllTokens(true).build();
        assertEquals(1, all.tokenize(List.of(Example.of(withSystem))).size());
    }

    @Test
    void templateErrorsNameTheExample() {
        ChatFormatter f = ChatFormatter.builder(tokenizer).template(ChatTemplate.builtIn("mistral")).build();
        Example twoUsers = Example.of(Conversation.of(Message.user("a"), Message.user("b"), Message.assistant("c")))
                .withSource(new Source(Path.of("data.jsonl"), 7));
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> f.tokenize(List.of(twoUsers)));
        assertTrue(e.getMessage().startsWith("data.jsonl:7: chat template mistral refused the conversation: "
                + "Conversation roles must alternate"), e.getMessage());
    }

    @Test
    void truncationIsExplicitAndCounted() {
        Conversation longAnswer = Conversation.of("Question courte ?", "Une réponse bien plus longue que la "
                + "question, qui dépasse la limite fixée pour ce test de troncature.");
        Conversation fits = Conversation.of("Oui ?", "Non.");
        List<Example> examples = List.of(Example.of(longAnswer), Example.of(fits));
        int full = only(ChatFormatter.builder(tokenizer).build(), longAnswer).length();
        int max = full - 8;

        TokenizedDataset dropped = ChatFormatter.builder(tokenizer).maxSeqLength(max).build().tokenize(examples);
        assertEquals(1, dropped.size());
        assertEquals(1, dropped.report().droppedTooLong());
        assertEquals(List.of("<memory>#0: " + full + " tokens, more than " + max), dropped.report().dropped());

        TokenizedDataset right = ChatFormatter.builder(tokenizer).maxSeqLength(max).truncation(Truncation.TRUNCATE_RIGHT)
                .build().tokenize(examples);
        assertEquals(2, right.size());
        assertEquals(1, right.report().truncated());
        TokenizedExample cut = right.examples().get(0);
        TokenizedExample whole = only(ChatFormatter.builder(tokenizer).build(), longAnswer);
        assertArrayEquals(Arrays.copyOf(whole.inputIds(), max), cut.inputIds());
        assertArrayEquals(Arrays.copyOf(whole.labels(), max), cut.labels());

        // A prompt alone longer than the limit leaves nothing to learn: dropped, and said so.
        TokenizedDataset nothing = ChatFormatter.builder(tokenizer).maxSeqLength(4).truncation(Truncation.TRUNCATE_RIGHT)
                .build().tokenize(List.of(Example.of(fits)));
        assertEquals(0, nothing.size());
        assertEquals(1, nothing.report().droppedNoLabels());
        assertEquals(List.of("<memory>#0: nothing left to learn after TRUNCATE_RIGHT"), nothing.report().dropped());
    }

    @Test
    void leftTruncationKeepsTheLatestTurnsFromAMessageStart() {
        ChatFormatter f = ChatFormatter.builder(tokenizer).build();
        TokenizedExample whole = only(f, MULTI);
        String lastExchange = "<|im_start|>user\nEt quand arrive-t-elle ?<|im_end|>\n<|im_start|>assistant\n"
                + "Demain avant 13 h, normalement. 📦<|im_end|>\n";
        int lastTwo = tokenizer.encode(lastExchange, false).length;
        TokenizedDataset left = ChatFormatter.builder(tokenizer).maxSeqLength(lastTwo + 3)
                .truncation(Truncation.TRUNCATE_LEFT).build().tokenize(List.of(Example.of(MULTI)));
        TokenizedExample t = left.examples().get(0);
        assertEquals(lastExchange, tokenizer.decode(t.inputIds(), false));
        assertArrayEquals(Arrays.copyOfRange(whole.labels(), whole.length() - lastTwo, whole.length()), t.labels());
        assertEquals(1, left.report().truncated());
    }

    @Test
    void dropsWhatHasNothingToLearnAndRefusesPreferencePairs() {
        ChatFormatter f = ChatFormatter.builder(tokenizer).build();
        TokenizedDataset d = f.tokenize(List.of(Example.of(Conversation.of(Message.user("Allô ?")))));
        assertEquals(0, d.size());
        assertEquals(List.of("<memory>#0: no assistant turn to learn"), d.report().dropped());

        Example pair = Example.of(new Preference(Conversation.of(Message.user("Q ?")), "Oui.", "Non."));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.tokenize(List.of(pair)));
        assertTrue(e.getMessage().contains("withoutRejected"), e.getMessage());
        assertEquals(List.of("Oui.<|im_end|>"), learntRuns(only(f, pair.withoutRejected().conversation())));
    }

    @Test
    void tokenizesTheShippedDatasets() {
        ChatFormatter f = ChatFormatter.builder(tokenizer).maxSeqLength(512).build();
        for (String name : List.of("support-fr", "conversations-fr", "extract-json")) {
            Dataset data = Datasets.load(Path.of("../datasets", name, "validation.jsonl"));
            TokenizedDataset t = f.tokenize(data);
            TokenizationReport r = t.report();
            assertEquals(data.size(), r.examples());
            assertEquals(r.kept() + r.droppedTooLong() + r.droppedNoLabels(), r.examples(), r.toString());
            assertTrue(r.kept() > 0.9 * r.examples(), name + ": " + r);
            assertTrue(r.labelledTokens() > 0.2 * r.tokens() && r.labelledTokens() < r.tokens(), name + ": " + r);
            for (TokenizedExample e : t.examples()) {
                assertTrue(e.labelledTokens() > 0 && e.length() <= 512);
            }
        }
    }
}
