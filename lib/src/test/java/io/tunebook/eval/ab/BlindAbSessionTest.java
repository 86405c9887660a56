package io.tunebook.eval.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.eval.JudgeComparison;
import io.tunebook.eval.judge.JudgeSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blinding, ratings that survive restarts, and unblinding back to the systems. */
class BlindAbSessionTest {
    @TempDir
    Path tmp;

    /** Twenty questions; the tuned system's answers say "TUNED", the base's "BASE". */
    static List<AbItem> items() {
        List<AbItem> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            items.add(new AbItem("ex-" + i, i % 2 == 0 ? "livraison" : "retour", "question " + i, "TUNED answer " + i,
                    "BASE answer " + i));
        }
        return items;
    }

    /** A rater who always prefers the tuned answer, whichever side it is on. */
    static String prefersTuned(BlindAbSession s) {
        return s.next().answerA().startsWith("TUNED") ? "A" : "B";
    }

    @Test
    void whatTheRaterSeesNamesNeitherTheSystemsNorTheExamples() throws Exception {
        BlindAbSession s = BlindAbSession.create(tmp, items(), "tuned", "base", 7);
        String shown = Files.readString(tmp.resolve(BlindAbSession.PAIRS));
        assertFalse(shown.contains("tuned") || shown.contains("\"base\"") || shown.contains("ex-"), shown);
        int tunedIsA = 0;
        List<String> order = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve(BlindAbSession.PAIRS))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            tunedIsA += o.get("A").getAsString().startsWith("TUNED") ? 1 : 0;
            order.add(o.get("prompt").getAsString());
        }
        assertTrue(tunedIsA > 3 && tunedIsA < 17, "sides are randomised: tuned is A in " + tunedIsA + " of 20");
        assertEquals(20, new HashSet<>(order).size());
        assertNotEquals(items().stream().map(AbItem::prompt).toList(), order, "pairs are shuffled");
        assertEquals(order.get(0), s.next().prompt());
        JsonObject key = JsonParser.parseString(Files.readString(tmp.resolve(BlindAbSession.KEY))).getAsJsonObject();
        assertEquals("tuned", key.get("first").getAsString());
        assertEquals(20, key.getAsJsonObject("pairs").size());
        assertEquals(shown, Files.readString(BlindAbSession.create(tmp.resolve("again"), items(), "tuned", "base", 7)
                .directory().resolve(BlindAbSession.PAIRS)), "the same seed blinds the same way");
    }

    @Test
    void unblindingMapsEveryRatingBackToItsSystem() throws Exception {
        BlindAbSession s = BlindAbSession.create(tmp, items(), "tuned", "base", 3);
        // 12 pairs for tuned, 5 for base, 3 ties.
        for (int i = 0; i < 20; i++) {
            String tuned = prefersTuned(s);
            String base = tuned.equals("A") ? "B" : "A";
            s.rate(i < 12 ? tuned : i < 17 ? base : "tie", i == 0 ? "plus précis" : "");
        }
        assertFalse(s.hasNext());
        assertThrows(IllegalStateException.class, s::next);
        JudgeComparison c = s.unblind();
        assertEquals("tuned", c.candidate());
        assertEquals("base", c.against());
        assertEquals(BlindAbSession.RATER, c.judge());
        JudgeSummary sum = c.summary();
        assertEquals(20, sum.total());
        assertEquals(20, sum.judged());
        assertEquals(12, sum.winA().count());
        assertEquals(5, sum.winB().count());
        assertEquals(3, sum.tie().count());
        assertEquals(0.6, sum.winA().rate(), 1e-12);
        assertTrue(sum.winA().low() < 0.6 && sum.winA().high() > 0.6);
        assertEquals(0, sum.consistency().n(), "one rating per pair: no consistency to report");
        assertEquals(Set.of("livraison", "retour"), sum.byCategory().keySet());
        assertEquals(10, sum.byCategory().get("retour").total());
        assertTrue(Files.readString(tmp.resolve(BlindAbSession.RATINGS)).contains("\"note\":\"plus précis\""));
    }

    @Test
    void allPairsShowInTheRatingOrderAndTheKeyTellsWhichSystemWasA() throws Exception {
        BlindAbSession s = BlindAbSession.create(tmp, items(), "tuned", "base", 5);
        List<AbPair> all = s.pairs();
        assertEquals(20, all.size());
        List<String> sides = s.systemsShownAsA();
        for (int i = 0; i < all.size(); i++) {
            AbPair p = all.get(i);
            assertEquals(s.next().pair(), p.pair(), "pairs() is the order next() walks");
            assertEquals(i + 1, p.position());
            assertEquals(p.answerA().startsWith("TUNED") ? "tuned" : "base", sides.get(i));
            s.rate(i % 3 == 0 ? "A" : "B");
        }
        assertEquals(20, s.pairs().get(0).rated());
        // The A side the key names is what unblind counts: "A" is a win for tuned exactly where tuned was A.
        long tunedWins = 0;
        for (int i = 0; i < 20; i++) {
            tunedWins += (i % 3 == 0) == sides.get(i).equals("tuned") ? 1 : 0;
        }
        assertEquals(tunedWins, s.unblind().summary().winA().count());
    }

    @Test
    void aReopenedSessionSkipsRatedPairsAndDropsACutRating() throws Exception {
        BlindAbSession s = BlindAbSession.create(tmp, items(), "tuned", "base", 11);
        List<String> firstThree = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            firstThree.add(s.next().pair());
            s.rate(prefersTuned(s));
        }
        String fourth = s.next().pair();
        // A crash in the middle of writing a fourth rating.
        Files.writeString(tmp.resolve(BlindAbSession.RATINGS), "{\"pair\":\"" + fourth + "\",\"cho",
                java.nio.file.StandardOpenOption.APPEND);

        BlindAbSession again = BlindAbSession.open(tmp);
        assertEquals(3, again.rated());
        assertEquals(fourth, again.next().pair());
        assertEquals(4, again.next().position());
        again.rate("tie");
        assertEquals(4, BlindAbSession.open(tmp).rated());
        assertEquals(4, Files.readAllLines(tmp.resolve(BlindAbSession.RATINGS)).size());
        JudgeSummary sum = BlindAbSession.open(tmp).unblind().summary();
        assertEquals(4, sum.judged());
        assertEquals(16, sum.unparseable());
        assertEquals(3, sum.winA().count());
        assertEquals(1, sum.tie().count());
    }

    @Test
    void badInputIsRefusedWithWhereItIs() throws Exception {
        BlindAbSession.create(tmp, items(), "tuned", "base", 1);
        assertThrows(IllegalArgumentException.class, () -> BlindAbSession.create(tmp, items(), "tuned", "base", 1));
        assertThrows(IllegalArgumentException.class, () -> BlindAbSession.open(tmp).rate("C"));
        Files.writeString(tmp.resolve(BlindAbSession.RATINGS), "{\"pair\":\"p99\",\"choice\":\"A\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlindAbSession.open(tmp));
        assertTrue(e.getMessage().contains("ratings.jsonl:1") && e.getMessage().contains("p99"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BlindAbSession.open(tmp.resolve("nothing")));
    }
}
