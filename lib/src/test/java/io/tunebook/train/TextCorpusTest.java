package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tunebook.model.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
    @TempDir
    Path tmp;

    @Test
    void documentsEndWithEosComeInSeededOrderAndTheCacheFollowsTheFile() throws Exception {
        try (Tokenizer tokenizer = Tokenizer.load(Path.of("../models/tiny-base"))) {
            long eos = tokenizer.eosId().getAsLong();
            Path corpus = tmp.resolve("corpus.txt");
            Files.writeString(corpus, "Premier paragraphe,\nsur deux lignes.\n\n\nDeuxième.\n\nTroisième et dernier.\n");
            int[] a = TextCorpus.tokens(corpus, tokenizer, eos, 7);
            int[] again = TextCorpus.tokens(corpus, tokenizer, eos, 7);
            assertArrayEquals(a, again);

            long docs = Arrays.stream(a).filter(t -> t == eos).count();
            assertEquals(3, docs);
            assertEquals(eos, a[a.length - 1]);
            int expectedLength = tokenizer.encode("Premier paragraphe,\nsur deux lignes.", false).length
                    + tokenizer.encode("Deuxième.", false).length
                    + tokenizer.encode("Troisième et dernier.", false).length + 3;
            assertEquals(expectedLength, a.length);

            // An edited corpus of the same size must not be served from the old cache.
            Files.writeString(corpus, "Premier paragraphe,\nsur deux lignes.\n\n\nDeuxiàme.\n\nTroisième et dernier.\n");
            Files.setLastModifiedTime(corpus, FileTime.fromMillis(Files.getLastModifiedTime(corpus).toMillis() + 5000));
            assertFalse(Arrays.equals(a, TextCorpus.tokens(corpus, tokenizer, eos, 7)));
        }
    }
}
