package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Normalisation, exact and near-duplicate removal with a report, length filters, e-mail and phone flags. */
class CleanerTest {
    @TempDir
    Path tmp;

    private static final String LONG = "Pour changer votre mot de passe, allez dans Paramètres puis Sécurité, cliquez sur "
            + "Changer le mot de passe, entrez l'ancien mot de passe puis le nouveau (au moins huit caractères) et "
            + "validez. Vous recevrez un courriel de confirmation dans les minutes qui suivent.";

    private static Example ex(String user, String assistant) {
        return Example.of(Conversation.of(user, assistant));
    }

    private static CleaningResult clean(Cleaner c, Example... examples) {
        return c.clean(Dataset.of(examples));
    }

    @Test
    void nfcAndWhitespaceNormalisation() {
        String decomposed = "Cafe\u0301 cre\u0300me";
        assertEquals("Café crème", TextNormalizer.normalize(decomposed));
        assertEquals("a\n\nb\n  indented\tkept  inside", TextNormalizer.normalize(
                "\n\r\na  \r\n\r\n\r\n\r\nb\t \n  indented\tkept  inside \n\n"));
        assertEquals("zero width", TextNormalizer.normalize("zero\u200B width\uFEFF"));
        assertEquals("non\u00A0breaking :", TextNormalizer.normalize("non\u00A0breaking :"));
        CleaningResult r = clean(Cleaner.builder().build(), ex("Cafe\u0301 ?  ", "Oui.\r\n"), ex("plain", "text"));
        assertEquals(Conversation.of("Café ?", "Oui."), r.dataset().get(0).conversation());
        assertEquals(1, r.report().normalized());
    }

    @Test
    void normalisationMakesExactDuplicatesMeet() {
        CleaningResult r = clean(Cleaner.builder().nearDuplicates(false).build(),
                ex("Cafe\u0301 ?", "Oui."), ex("Café ?  ", "Oui.\n"), ex("Thé ?", "Non."));
        assertEquals(2, r.dataset().size());
        CleaningReport.Removal removal = r.report().removals().get(0);
        assertEquals(RemovalReason.EXACT_DUPLICATE, removal.reason());
        assertEquals(Source.inMemory(1), removal.source());
        assertEquals(Source.inMemory(0), removal.duplicateOf());
        CleaningResult raw = clean(Cleaner.builder().normalize(false).nearDuplicates(false).build(),
                ex("Cafe\u0301 ?", "Oui."), ex("Café ?", "Oui."));
        assertEquals(2, raw.dataset().size());
    }

    @Test
    void exactDuplicatesInAFileAreRemovedWithTheirLocations() {
        Path f = Files2.lines(tmp, "d.jsonl",
                "{\"instruction\":\"q1\",\"output\":\"a1\"}",
                "{\"instruction\":\"q2\",\"output\":\"a2\"}",
                "{\"instruction\":\"q1\",\"output\":\"a1\",\"id\":3}",
                "{\"instruction\":\"q1\",\"output\":\"other answer\"}");
        CleaningResult r = Datasets.load(f).clean(Cleaner.builder().build());
        assertEquals(3, r.dataset().size());
        assertEquals(List.of(1L, 2L, 4L), r.dataset().stream().map(e -> e.source().line()).toList());
        CleaningReport.Removal removal = r.report().removals(RemovalReason.EXACT_DUPLICATE).get(0);
        assertEquals(new Source(f, 3), removal.source());
        assertEquals(new Source(f, 1), removal.duplicateOf());
        assertTrue(r.report().toString().contains("d.jsonl:3") && r.report().toString().contains("d.jsonl:1"),
                r.report().toString());
        JsonObject j = JsonParser.parseString(r.report().toJson()).getAsJsonObject();
        assertEquals(1, j.getAsJsonObject("removed_by_reason").get("exact_duplicate").getAsInt());
    }

    @Test
    void nearDuplicatesAreRemovedAboveTheThreshold() {
        String nearly = LONG.replace("huit", "8");
        String different = "Nos délais de livraison sont de deux à trois jours ouvrés en France métropolitaine, "
                + "vingt-quatre heures en express avec un supplément, et cinq à sept jours ouvrés à l'international.";
        Example a = ex("Comment changer mon mot de passe ?", LONG);
        Example b = ex("Comment changer mon mot de passe ?", nearly);
        Example c = ex("Quels sont vos délais de livraison ?", different);
        CleaningResult r = clean(Cleaner.builder().build(), a, b, c);
        assertEquals(2, r.dataset().size());
        CleaningReport.Removal removal = r.report().removals().get(0);
        assertEquals(RemovalReason.NEAR_DUPLICATE, removal.reason());
        assertEquals(Source.inMemory(1), removal.source());
        assertEquals(Source.inMemory(0), removal.duplicateOf());
        assertTrue(removal.similarity() >= 0.8 && removal.similarity() < 1, "similarity " + removal.similarity());

        CleaningResult strict = clean(Cleaner.builder().nearDuplicateThreshold(0.99).build(), a, b, c);
        assertEquals(3, strict.dataset().size());
        CleaningResult off = clean(Cleaner.builder().nearDuplicates(false).build(), a, b, c);
        assertEquals(3, off.dataset().size());
    }

    @Test
    void minHashEstimatesJaccardSimilarity() {
        MinHash m = new MinHash(5, 256, 1);
        String x = LONG;
        String y = LONG.substring(0, LONG.length() / 2) + " Tout autre texte ici pour la seconde moitié, sans rapport.";
        double estimate = MinHash.similarity(m.signature(x), m.signature(y));
        double exact = jaccard(shingles(x), shingles(y));
        assertEquals(exact, estimate, 0.1);
        assertEquals(1.0, MinHash.similarity(m.signature(x), m.signature(x)));
        assertEquals(16, MinHash.bandsFor(128, 0.8));
    }

    @Test
    void nearDuplicateRemovalScalesAndFindsPlantedCopies() {
        Random rnd = new Random(5);
        String[] words = LONG.split(" ");
        List<Example> list = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < 40; w++) {
                b.append(words[rnd.nextInt(words.length)]).append(rnd.nextInt(1000)).append(' ');
            }
            list.add(ex("question " + i, b.toString()));
        }
        for (int i = 0; i < 20; i++) {
            Example orig = list.get(i * 50);
            String answer = orig.conversation().last().content();
            list.add(ex(orig.conversation().messages().get(0).content(), answer.substring(0, answer.length() - 3)));
        }
        CleaningResult r = Cleaner.builder().build().clean(Dataset.of(list));
        assertEquals(20, r.report().count(RemovalReason.NEAR_DUPLICATE));
        for (CleaningReport.Removal rm : r.report().removals()) {
            assertEquals((rm.source().line() - 2000) * 50, rm.duplicateOf().line());
        }
    }

    @Test
    void tokenLengthFilters() {
        TokenCounter words = text -> text.split("\\s+").length;
        CleaningResult r = clean(Cleaner.builder().minTokens(3).maxTokens(6).tokenCounter(words).build(),
                ex("hi", "yo"), ex("one two", "three four"), ex("a b c d", "e f g h"));
        assertEquals(1, r.dataset().size());
        assertEquals(1, r.report().count(RemovalReason.TOO_SHORT));
        assertEquals(1, r.report().count(RemovalReason.TOO_LONG));
        assertEquals("8 tokens > 6", r.report().removals(RemovalReason.TOO_LONG).get(0).detail());
        assertThrows(IllegalArgumentException.class, () -> Cleaner.builder().maxTokens(5).build());
        assertThrows(IllegalArgumentException.class, () -> Cleaner.builder().nearDuplicateThreshold(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> Cleaner.builder().bands(7).build());
    }

    @Test
    void emailsAndPhoneNumbersAreFlaggedRedactedOrDropped() {
        Example mail = ex("Contact ?", "Écrivez à sav@company.com ou support.fr@exemple.co.uk.");
        Example phone = ex("Téléphone ?", "Appelez le 06 12 34 56 78 ou le +33 1 23 45 67 89.");
        Example clean = ex("Prix ?", "10 000 000 € en 2023-2024, version 1.2.3, le 2024-01-15, IP 192.168.100.200, pi 3.14159265.");
        CleaningResult flagged = clean(Cleaner.builder().emails(PiiAction.FLAG).phoneNumbers(PiiAction.FLAG).build(),
                mail, phone, clean);
        assertEquals(3, flagged.dataset().size());
        assertEquals(List.of("sav@company.com", "support.fr@exemple.co.uk"),
                flagged.report().flags(PiiKind.EMAIL).stream().map(CleaningReport.Flag::match).toList());
        assertEquals(List.of("06 12 34 56 78", "+33 1 23 45 67 89"),
                flagged.report().flags(PiiKind.PHONE_NUMBER).stream().map(CleaningReport.Flag::match).toList());
        assertEquals("messages[1]", flagged.report().flags().get(0).field());
        assertEquals(Source.inMemory(0), flagged.report().flags().get(0).source());

        CleaningResult redacted = clean(Cleaner.builder().emails(PiiAction.REDACT).phoneNumbers(PiiAction.REDACT)
                .build(), mail, phone);
        assertEquals("Écrivez à [EMAIL] ou [EMAIL].", redacted.dataset().get(0).conversation().last().content());
        assertEquals("Appelez le [PHONE] ou le [PHONE].", redacted.dataset().get(1).conversation().last().content());

        CleaningResult dropped = clean(Cleaner.builder().emails(PiiAction.DROP).build(), mail, phone, clean);
        assertEquals(2, dropped.dataset().size());
        assertEquals(RemovalReason.EMAIL, dropped.report().removals().get(0).reason());

        CleaningResult ignored = clean(Cleaner.builder().build(), mail, phone);
        assertTrue(ignored.report().flags().isEmpty());
    }

    @Test
    void phoneHeuristics() {
        for (String p : new String[] {"06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "(555) 123-4567",
            "+1-555-123-4567", "555.123.4567", "0612345678", "+447911123456"}) {
            assertTrue(PiiDetector.isPhone(p), p);
        }
        for (String p : new String[] {"1 000 000 000", "2024-01-15", "192.168.100.200", "3.14159265", "123456789",
            "1 2 3 4 5 6 7 8 9"}) {
            assertFalse(PiiDetector.isPhone(p), p);
        }
    }

    @Test
    void preferencePairsKeepTheirRejectedAnswer() {
        Example p = Example.of(new Preference(Conversation.of(Message.user("q ")), "a\n", "b  "));
        CleaningResult r = clean(Cleaner.builder().build(), p, p);
        assertEquals(1, r.dataset().size());
        assertEquals("b", r.dataset().get(0).rejected());
        assertEquals(RemovalReason.EXACT_DUPLICATE, r.report().removals().get(0).reason());
    }

    private static java.util.Set<String> shingles(String s) {
        String t = s;
        java.util.Set<String> out = new java.util.HashSet<>();
        for (int i = 0; i + 5 <= t.length(); i++) {
            out.add(t.substring(i, i + 5));
        }
        return out;
    }

    private static double jaccard(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> inter = new java.util.HashSet<>(a);
        inter.retainAll(b);
        java.util.Set<String> union = new java.util.HashSet<>(a);
        union.addAll(b);
        return (double) inter.size() / union.size();
    }
}
