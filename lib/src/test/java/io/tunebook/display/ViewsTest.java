package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.Cleaner;
import io.tunebook.data.Conversation;
import io.tunebook.data.Dataset;
import io.tunebook.data.DatasetStats;
import io.tunebook.data.Example;
import io.tunebook.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewsTest {
    private static Dataset dataset(int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Example.of(Conversation.of("q" + i, "a" + i)));
        }
        return Dataset.of(out);
    }

    @Test
    void knownValuesGetTheirViewAndOthersNone() {
        Dataset d = dataset(12);
        MimeBundle data = Views.of(d).orElseThrow().mimeBundle();
        assertTrue(data.text().startsWith("Dataset[12 examples]\nfirst 5 of 12 examples\n"), data.text());
        assertEquals(3 + Views.DATASET_ROWS, data.text().lines().count(), "title, caption, header and five rows");
        assertTrue(data.html().orElseThrow().contains("first 5 of 12 examples</caption>"));

        assertTrue(Views.of(DatasetStats.of(d)).orElseThrow() instanceof StatsView);
        assertTrue(Views.of(d.clean(Cleaner.builder().build())).orElseThrow() instanceof CleaningView);
        assertTrue(Views.of(d.validation()).orElseThrow() instanceof ValidationView);
        String splits = Views.of(d.split(0.25, 1)).orElseThrow().mimeBundle().text();
        assertEquals("Splits\nsplit       examples\ntrain              9\nvalidation         3\ntest               0", splits);
        assertEquals("done after 10 steps in 0:05: train loss 1.5000",
                Views.of(new TrainingResult(10, 10, 1.5, Double.NaN, TrainingResult.StopReason.COMPLETED, Double.NaN, -1, 5)).orElseThrow().mimeBundle().text());

        TokenHistogram h = TokenHistogram.of(new long[] {1, 2});
        assertSame(h, Views.of(h).orElseThrow());
        assertFalse(Views.of("a string").isPresent());
    }
}
