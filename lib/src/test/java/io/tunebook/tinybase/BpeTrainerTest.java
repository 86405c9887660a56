package io.tunebook.tinybase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
    /** A few KB of French customer-support prose, with some English, digits and punctuation. */
    static final String FRENCH = String.join("\n\n",
            "Bonjour, je n'arrive plus à me connecter à mon compte depuis la mise à jour d'hier. "
                    + "Le message « mot de passe incorrect » s'affiche alors que je suis sûr de mon mot de passe.",
            "Bonjour et merci pour votre message. Pouvez-vous essayer de réinitialiser votre mot de passe "
                    + "depuis la page de connexion ? Un courriel vous sera envoyé dans les cinq minutes.",
            "Ma commande n° 45872 devait être livrée le 12 mars, mais je n'ai toujours rien reçu. "
                    + "Pourriez-vous me dire où en est la livraison ?",
            "Nous sommes désolés pour ce retard. Votre colis a été remis au transporteur le 11 mars ; "
                    + "il devrait arriver d'ici deux à trois jours ouvrés.",
            "Est-il possible de modifier l'adresse de livraison après avoir validé la commande ? "
                    + "J'ai déménagé la semaine dernière.",
            "Oui, tant que la commande n'a pas été expédiée. Rendez-vous dans « Mes commandes », "
                    + "choisissez la commande puis cliquez sur « Modifier l'adresse ».",
            "L'application se ferme toute seule quand j'ouvre l'onglet Factures. J'utilise un téléphone "
                    + "Android 14 et la version 3.2.1 de l'application.",
            "Merci pour ces précisions. Nos équipes techniques ont identifié le problème : une correction "
                    + "sera publiée cette semaine. En attendant, vous pouvez consulter vos factures sur le site.",
            "Je souhaite résilier mon abonnement. Quelle est la démarche à suivre et y a-t-il des frais ?",
            "La résiliation est gratuite et se fait en ligne : ouvrez « Mon abonnement », puis « Résilier ». "
                    + "Votre accès reste actif jusqu'à la fin de la période déjà payée.",
            "Hello, do you also provide support in English? I'm not fluent in French yet.",
            "Of course! Our team answers in English and French, Monday to Friday from 9 am to 6 pm.",
            "Le remboursement de 29,99 € a été effectué le 3 avril. Il apparaîtra sur votre relevé "
                    + "bancaire sous cinq à dix jours, selon votre banque.",
            "Pourquoi ma facture est-elle plus élevée ce mois-ci ? Je n'ai rien changé à mon forfait.",
            "Votre facture comprend des frais d'itinérance pour les appels passés à l'étranger du 2 au 9 mai.",
            "Où puis-je télécharger le manuel d'utilisation de l'imprimante ? Je ne le trouve pas sur le site.",
            "Le manuel est disponible dans la rubrique « Assistance », onglet « Documents », au format PDF.",
            "Très bien, merci beaucoup pour votre aide rapide et efficace. Bonne journée à vous !",
            "Avec plaisir ! N'hésitez pas à nous recontacter si vous avez d'autres questions.");

    static final List<String> SAMPLES = List.of(
            "Bonjour, où est ma commande ? Elle n'est toujours pas arrivée…",
            "L'élève a reçu 12,5 € — déjà ça !",
            "Ça coûte 1 234,56 € TTC, c'est-à-dire « hors taxes » + 20 %.",
            "Hello world! I'm here, they're there, we've done it, you'll see, he'd know.",
            "emoji 🙂👍🏽 et ﬁ ligatures, 中文字符, Ελληνικά, русский текст",
            "   espaces   multiples\n\n\tet tabulations\r\nfin de ligne  ",
            "espace\u00a0insécable : oui\u202f; fine\u2009aussi",
            "code: if (x >= 10) { return y * 2; } // commentaire",
            "MAJUSCULES ÉÀÙ ŒUVRE œuvre Noël naïve",
            "",
            " ",
            "\n",
            "a'b 's 'T 'LL l'été d'août qu'il",
            "<|im_start|>user\nBonjour<|im_end|>\n<|im_start|>assistant\n");

    static BpeTrainer.Model model;
    static Path dir;

    @BeforeAll
    static void train(@TempDir Path tmp) throws IOException {
        BpeTrainer trainer = new BpeTrainer(500).minFrequency(2);
        trainer.addText(FRENCH);
        model = trainer.train();
        dir = tmp.resolve("tok");
        model.write(dir, 512);
    }

    @Test
    void tinyCorpusGivesTheHandCheckedMerges() {
        // "aaab aab ab" -> words aaab, Ġaab, Ġab. Counts: (a,a)=3, (a,b)=3, (Ġ,a)=2. The tie goes to the
        // smaller ids: (a,a). Then (a,b)=2 leads; then every pair is seen once and (Ġ,aa) has the smallest ids.
        BpeTrainer trainer = new BpeTrainer(BpeTrainer.FIRST_MERGE_ID + 3).minFrequency(1);
        trainer.addText("aaab aab ab");
        BpeTrainer.Model m = trainer.train();
        assertEquals(List.of("a a", "a b", "Ġ aa"), mergeStrings(m));
        assertEquals(List.of("aa", "ab", "Ġaa"), m.tokens().subList(BpeTrainer.FIRST_MERGE_ID, m.tokens().size()));

        // With min frequency 2 it stops after the two merges seen twice or more.
        BpeTrainer strict = new BpeTrainer(BpeTrainer.FIRST_MERGE_ID + 100).minFrequency(2);
        strict.addText("aaab aab ab");
        assertEquals(List.of("a a", "a b"), mergeStrings(strict.train()));
    }

    @Test
    void frequentPairsMergeFirstAcrossWords() {
        BpeTrainer trainer = new BpeTrainer(BpeTrainer.FIRST_MERGE_ID + 4).minFrequency(1);
        trainer.addText("le le le le la la les");   // le, Ġle x3, Ġla x2, Ġles
        // (Ġ,l)=6 beats (l,e)=5; then (Ġl,e)=4; then (Ġl,a)=2; then ties at 1 go to the smaller first id: (l,e).
        assertEquals(List.of("Ġ l", "Ġl e", "Ġl a", "l e"), mergeStrings(trainer.train()));
    }

    @Test
    void idsLayoutSpecialsThenBytesThenMerges() {
        List<String> tokens = model.tokens();
        assertEquals(BpeTrainer.SPECIAL_TOKENS, tokens.subList(0, 5));
        for (int b = 0; b < 256; b++) {
            assertEquals(String.valueOf(ByteLevel.byteToChar(b)), tokens.get(5 + b));
        }
        assertEquals("Ġ", tokens.get(5 + ' '));
        assertEquals("Ċ", tokens.get(5 + '\n'));
        assertEquals(500, tokens.size());
        assertEquals(500 - BpeTrainer.FIRST_MERGE_ID, model.merges().size());
    }

    @Test
    void rustTokenizerRoundTripsAndMatchesTheJavaEncoder() throws IOException {
        BpeEncoder java = BpeEncoder.fromTokenizerJson(dir.resolve("tokenizer.json"));
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                Map.of("truncation", "false", "padding", "false"))) {
            List<String> texts = new ArrayList<>(SAMPLES);
            texts.addAll(Arrays.asList(FRENCH.split("\n\n")));
            texts.add(FRENCH);
            for (String text : texts) {
                long[] ids = hf.encode(text, false, false).getIds();
                assertArrayEquals(java.encode(text, false), ids, () -> "ids differ for: " + text);
                assertEquals(text, hf.decode(ids, false), "round trip");
                long[] withBos = hf.encode(text, true, false).getIds();
                assertEquals(ids.length + 1, withBos.length);
                assertEquals(1, withBos[0], "BOS first");
                assertArrayEquals(ids, Arrays.copyOfRange(withBos, 1, withBos.length));
                assertArrayEquals(java.encode(text, true), withBos);
                if (!text.contains("<|")) {
                    assertEquals(text, hf.decode(withBos, true), "skipping specials drops BOS");
                }
            }
            // the Java encoder of the trained model itself agrees too
            assertArrayEquals(model.encoder().encode(FRENCH, true), java.encode(FRENCH, true));
        }
    }

    @Test
    void specialTokensAreIdsZeroToFourAndMatchedInText() throws IOException {
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                Map.of("truncation", "false", "padding", "false"))) {
            for (int i = 0; i < 5; i++) {
                String tok = BpeTrainer.SPECIAL_TOKENS.get(i);
                Encoding e = hf.encode(tok, false, false);
                assertArrayEquals(new long[] {i}, e.getIds(), tok);
                assertEquals(tok, e.getTokens()[0]);
            }
            long[] ids = hf.encode("<|im_start|>user\nBonjour<|im_end|>\n", false, false).getIds();
            assertEquals(3, ids[0]);
            assertTrue(Arrays.stream(ids).filter(x -> x == 4).count() == 1);
            assertEquals("user\nBonjour\n", hf.decode(ids, true));
            // the bytes of the text never produce a special id
            long[] plain = hf.encode("<|im_start|", false, false).getIds();
            assertTrue(Arrays.stream(plain).allMatch(x -> x >= BpeTrainer.FIRST_BYTE_ID));
        }
    }

    @Test
    void mergesAsPairsLoadTheSame(@TempDir Path tmp) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(dir.resolve("tokenizer.json"))).getAsJsonObject();
        JsonObject m = root.getAsJsonObject("model");
        JsonArray pairs = new JsonArray();
        for (JsonElement s : m.getAsJsonArray("merges")) {
            String[] ab = s.getAsString().split(" ");
            JsonArray p = new JsonArray();
            p.add(ab[0]);
            p.add(ab[1]);
            pairs.add(p);
        }
        m.add("merges", pairs);
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(file, root.toString());
        try (HuggingFaceTokenizer a = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                        Map.of("truncation", "false", "padding", "false"));
                HuggingFaceTokenizer b = HuggingFaceTokenizer.newInstance(file,
                        Map.of("truncation", "false", "padding", "false"))) {
            for (String text : SAMPLES) {
                assertArrayEquals(a.encode(text, true, false).getIds(), b.encode(text, true, false).getIds());
            }
        }
        assertArrayEquals(BpeEncoder.fromTokenizerJson(file).encode(FRENCH, true),
                BpeEncoder.fromTokenizerJson(dir.resolve("tokenizer.json")).encode(FRENCH, true));
    }

    @Test
    void streamingAFileCountsAsTheWholeText(@TempDir Path tmp) throws IOException {
        StringBuilder text = new StringBuilder();
        String[] seps = {" ", "\n", "\n\n", "  ", "\u00a0", " \n ", "\t", "\r\n"};
        String[] paras = FRENCH.split("\n\n");
        for (int i = 0; i < 400; i++) {
            text.append(paras[i % paras.length]).append(seps[i % seps.length]);
        }
        Path file = tmp.resolve("corpus.txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);

        BpeTrainer whole = new BpeTrainer(700);
        whole.addText(text);
        BpeTrainer streamed = new BpeTrainer(700);
        streamed.chunkChars = 97;                     // many cuts, at every kind of separator
        streamed.addFile(file);
        assertEquals(whole.distinctWords(), streamed.distinctWords());
        assertEquals(mergeStrings(whole.train()), mergeStrings(streamed.train()));
    }

    @Test
    void writesConfigAndSpecialTokensMap() throws IOException {
        JsonObject cfg = JsonParser.parseString(Files.readString(dir.resolve("tokenizer_config.json"))).getAsJsonObject();
        assertEquals("<|begin_of_text|>", cfg.get("bos_token").getAsString());
        assertEquals("<|end_of_text|>", cfg.get("eos_token").getAsString());
        assertEquals("<|pad|>", cfg.get("pad_token").getAsString());
        assertTrue(cfg.get("add_bos_token").getAsBoolean());
        assertTrue(!cfg.get("add_eos_token").getAsBoolean());
        assertEquals(512, cfg.get("model_max_length").getAsInt());
        String tpl = cfg.get("chat_template").getAsString();
        assertTrue(tpl.contains("<|im_start|>") && tpl.contains("add_generation_prompt"), tpl);
        JsonObject map = JsonParser.parseString(Files.readString(dir.resolve("special_tokens_map.json"))).getAsJsonObject();
        assertEquals("<|end_of_text|>", map.get("eos_token").getAsString());
        JsonObject tok = JsonParser.parseString(Files.readString(dir.resolve("tokenizer.json"))).getAsJsonObject();
        assertEquals("1.0", tok.get("version").getAsString());
        assertTrue(tok.get("normalizer").isJsonNull());
        JsonArray added = tok.getAsJsonArray("added_tokens");
        assertEquals(5, added.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i, added.get(i).getAsJsonObject().get("id").getAsInt());
            assertTrue(added.get(i).getAsJsonObject().get("special").getAsBoolean());
        }
    }

    @Test
    void sameCorpusSameTokenizer(@TempDir Path tmp) throws IOException {
        BpeTrainer again = new BpeTrainer(500).minFrequency(2);
        again.addText(FRENCH);
        again.train().write(tmp, 512);
        assertEquals(Files.readString(dir.resolve("tokenizer.json")), Files.readString(tmp.resolve("tokenizer.json")));
    }

    @Test
    void byteTableIsGpt2s() {
        assertEquals('Ġ', ByteLevel.byteToChar(' '));
        assertEquals('!', ByteLevel.byteToChar('!'));
        assertEquals('Ā', ByteLevel.byteToChar(0));
        assertEquals('Ń', ByteLevel.byteToChar(0xAD));
        assertEquals("ĠÃ©tÃ©", ByteLevel.encodeBytes(" été"));
        assertEquals(" été", ByteLevel.decodeBytes("ĠÃ©tÃ©"));
        assertEquals(List.of("Bonjour", ",", " l", "'", "été", " 2024", "  ", " !"),
                ByteLevel.split("Bonjour, l'été 2024   !"));
    }

    private static List<String> mergeStrings(BpeTrainer.Model m) {
        List<String> out = new ArrayList<>();
        for (String[] p : m.merges()) {
            out.add(p[0] + " " + p[1]);
        }
        return out;
    }
}
