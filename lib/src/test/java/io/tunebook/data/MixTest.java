package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mixing several files with weights is deterministic for a seed. */
class MixTest {
    @TempDir
    Path tmp;

    private Path file(String name, String tag, int n) {
        String[] lines = new String[n];
        for (int i = 0; i < n; i++) {
            lines[i] = "{\"input\":\"" + tag + " " + i + "\",\"output\":\"o\"}";
        }
        return Files2.lines(tmp, name, lines);
    }

    private static Map<Path, Long> bySource(Dataset d) {
        return d.stream().collect(Collectors.groupingBy(e -> e.source().file(), Collectors.counting()));
    }

    private static List<String> inputs(Dataset d) {
        return d.stream().map(e -> e.conversation().messages().get(0).content()).toList();
    }

    @Test
    void weightsMultiplyTheirSources() {
        Path a = file("a.jsonl", "a", 100);
        Path b = file("b.jsonl", "b", 10);
        Dataset d = Datasets.mix().add(a, 0.5).add(b, 2.5).seed(7).load();
        assertEquals(Map.of(a, 50L, b, 25L), bySource(d));
        long distinctB = d.stream().filter(e -> e.source().file().equals(b)).map(e -> e.source().line()).distinct().count();
        assertEquals(10, distinctB, "every example of b appears at least twice");
        assertEquals(2, d.validation().files().size());
    }

    @Test
    void withATotalWeightsAreShares() {
        Path a = file("a.jsonl", "a", 100);
        Path b = file("b.jsonl", "b", 10);
        Dataset d = Datasets.mix().add(a, 0.7).add(b, 0.3).total(50).seed(1).load();
        assertEquals(Map.of(a, 35L, b, 15L), bySource(d));
    }

    @Test
    void theSameSeedGivesTheSameMix() {
        Path a = file("a.jsonl", "a", 40);
        Path b = file("b.jsonl", "b", 30);
        Dataset one = Datasets.mix().add(a, 0.5).add(b, 1.5).seed(3).load();
        Dataset two = Datasets.mix().add(a, 0.5).add(b, 1.5).seed(3).load();
        Dataset other = Datasets.mix().add(a, 0.5).add(b, 1.5).seed(4).load();
        assertEquals(inputs(one), inputs(two));
        assertNotEquals(inputs(one), inputs(other));
        Dataset ordered = Datasets.mix().add(a, 1).add(b, 1).shuffle(false).load();
        assertEquals("a 0", inputs(ordered).get(0));
        assertEquals("b 29", inputs(ordered).get(69));
    }

    @Test
    void datasetsInMemoryMixToo() {
        Dataset x = Dataset.of(Example.of(Conversation.of("x", "y")));
        Dataset d = Datasets.mix().add(x, 3).load();
        assertEquals(3, d.size());
        assertThrows(IllegalArgumentException.class, () -> Datasets.mix().add(x, -1));
        assertThrows(IllegalArgumentException.class, () -> Datasets.mix().load());
    }
}
