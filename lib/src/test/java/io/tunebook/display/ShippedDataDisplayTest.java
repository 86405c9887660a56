package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.data.Dataset;
import io.tunebook.data.Datasets;
import io.tunebook.data.TokenCounter;
import io.tunebook.model.Tokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Looking at the shipped support-fr dataset through tiny-base's tokenizer, as a notebook would. */
class ShippedDataDisplayTest {
    private static final Path TRAIN = Path.of("../datasets/support-fr/train.jsonl");
    private static final Path MODEL = Path.of("../models/tiny-base");

    @Test
    void statsHistogramAndPreviewsAgreeOnTheRealDataset() throws IOException {
        Dataset train = Datasets.load(TRAIN);
        List<String> lines = Files.readAllLines(TRAIN);
        try (Tokenizer tokenizer = Tokenizer.load(MODEL)) {
            TokenCounter counter = text -> tokenizer.encode(text, false).length;
            StatsView stats = StatsView.of(train, counter).maxLength(256);
            TokenHistogram histogram = stats.histogram().orElseThrow();
            assertEquals(train.size(), histogram.examples());
            assertEquals(stats.stats().tokens().max(), histogram.distribution().max());
            assertEquals(train.stream().filter(e -> counter.count(e) > 256).count(), histogram.overMaxLength());

            DatasetPreview longest = DatasetPreview.of(train).longest(5, counter);
            assertEquals(stats.stats().tokens().max(), (long) longest.table().intColumn("tokens").get(0),
                    "the longest row has the maximum the statistics report");

            DatasetPreview sample = DatasetPreview.of(train).width(40).sample(8, 42);
            for (int r = 0; r < sample.table().rowCount(); r++) {
                // The source column points at the very line the row was read from.
                String[] at = sample.table().stringColumn("source").get(r).split(":");
                assertEquals("train.jsonl", at[0]);
                JsonObject row = JsonParser.parseString(lines.get(Integer.parseInt(at[1]) - 1)).getAsJsonObject();
                String answer = sample.table().stringColumn("answer").get(r);
                String shown = answer.endsWith(Tables.ELLIPSIS) ? answer.substring(0, answer.length() - 1) : answer;
                assertTrue(row.get("output").getAsString().startsWith(shown), shown);
                assertEquals("alpaca", sample.table().stringColumn("format").get(r));
            }

            MimeBundle bundle = stats.mimeBundle();
            String html = bundle.html().orElseThrow();
            assertEquals(3, html.split("<table class=\"tunebook\"", -1).length - 1);
            assertTrue(html.contains("src=\"data:image/png;base64,"));
            assertTrue(bundle.text().contains("tokens per example (" + train.size() + " examples)"), bundle.text());
            BufferedImage png = Pixels.decode(histogram.png());
            assertTrue(Pixels.inked(png) > 0.05, "the histogram is not blank");
        }
    }
}
