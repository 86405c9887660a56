package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonPrimitive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seeded splits: deterministic, the asked fractions, stratified proportions. */
class SplitterTest {
    @TempDir
    Path tmp;

    /** 1000 examples: 600 "a", 300 "b", 100 "c". */
    private static Dataset categories() {
        List<Example> list = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String cat = i % 10 < 6 ? "a" : i % 10 < 9 ? "b" : "c";
            list.add(Example.of(Conversation.of("q" + i, "a" + i)).withExtras(Map.of("category", new JsonPrimitive(cat))));
        }
        return Dataset.of(list);
    }

    private static List<String> users(Dataset d) {
        return d.stream().map(e -> e.conversation().messages().get(0).content()).toList();
    }

    private static Map<String, Long> count(Dataset d) {
        return d.stream().collect(Collectors.groupingBy(e -> e.extra("category").orElse(""), Collectors.counting()));
    }

    @Test
    void defaultIsTenPercentValidationAndTheSameSeedGivesTheSameSplit() {
        Dataset d = categories();
        DatasetSplits one = d.split(Splitter.builder().build());
        DatasetSplits two = d.split(Splitter.builder().build());
        assertEquals(900, one.train().size());
        assertEquals(100, one.validation().size());
        assertEquals(0, one.test().size());
        assertEquals(users(one.validation()), users(two.validation()));
        DatasetSplits other = d.split(Splitter.builder().seed(43).build());
        assertNotEquals(users(one.validation()), users(other.validation()));
        Set<String> all = new HashSet<>(users(one.train()));
        all.addAll(users(one.validation()));
        assertEquals(1000, all.size(), "the splits partition the dataset");
    }

    @Test
    void splitsKeepTheDatasetOrder() {
        DatasetSplits s = categories().split(0.2, 1);
        List<Long> lines = s.train().stream().map(e -> e.source().line()).toList();
        assertEquals(lines.stream().sorted().toList(), lines);
    }

    @Test
    void stratifiedSplitsKeepProportions() {
        DatasetSplits s = categories().split(Splitter.builder().validation(0.1).test(0.2).stratifyBy("category")
                .seed(9).build());
        assertEquals(Map.of("a", 60L, "b", 30L, "c", 10L), count(s.validation()));
        assertEquals(Map.of("a", 120L, "b", 60L, "c", 20L), count(s.test()));
        assertEquals(Map.of("a", 420L, "b", 210L, "c", 70L), count(s.train()));
    }

    @Test
    void stratifiedQuotasRoundToTheTotal() {
        List<Example> list = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            String cat = i < 17 ? "x" : i < 29 ? "y" : "z";
            list.add(Example.of(Conversation.of("q" + i, "a")).withExtras(Map.of("category", new JsonPrimitive(cat))));
        }
        DatasetSplits s = Dataset.of(list).split(Splitter.builder().validation(0.2).stratifyBy("category").build());
        assertEquals(7, s.validation().size());
        Map<String, Long> v = count(s.validation());
        assertTrue(Math.abs(v.get("x") - 3.4) < 1 && Math.abs(v.get("y") - 2.4) < 1 && Math.abs(v.get("z") - 1.2) < 1,
                v.toString());
    }

    @Test
    void tinyDatasetsStillGetAValidationExampleAndKeepATrainOne() {
        Dataset two = Dataset.ofConversations(List.of(Conversation.of("a", "b"), Conversation.of("c", "d")));
        DatasetSplits s = two.split(0.1, 1);
        assertEquals(1, s.validation().size());
        assertEquals(1, s.train().size());
        DatasetSplits one = Dataset.ofConversations(List.of(Conversation.of("a", "b"))).split(0.1, 1);
        assertEquals(1, one.train().size());
    }

    @Test
    void badFractionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Splitter.builder().validation(1.2).build());
        assertThrows(IllegalArgumentException.class, () -> Splitter.builder().validation(0.6).test(0.4).build());
        assertThrows(IllegalArgumentException.class, () -> Splitter.builder().test(-0.1).build());
    }

    @Test
    void splitsAreWrittenAsFiles() {
        DatasetSplits s = categories().split(Splitter.builder().validation(0.1).test(0.1).build());
        List<Path> files = s.write(tmp.resolve("out"), DatasetFormat.ALPACA);
        assertEquals(3, files.size());
        assertEquals(800, Datasets.load(tmp.resolve("out/train.jsonl")).size());
        assertTrue(Datasets.load(tmp.resolve("out/test.jsonl")).get(0).extra("category").isPresent(),
                "extra fields are written back");
        assertTrue(Files.exists(tmp.resolve("out/validation.jsonl")));
    }
}
