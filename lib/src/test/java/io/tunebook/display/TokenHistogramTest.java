package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenHistogramTest {
    private static long[] lengths() {
        Random r = new Random(3);
        long[] l = new long[500];
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.max(1, Math.round(150 + 50 * r.nextGaussian()));
        }
        return l;
    }

    @Test
    void binsAreRoundAndCountEveryExampleOnce() {
        assertEquals(1, TokenHistogram.roundUp(1));
        assertEquals(2, TokenHistogram.roundUp(2));
        assertEquals(5, TokenHistogram.roundUp(3));
        assertEquals(10, TokenHistogram.roundUp(6));
        assertEquals(20, TokenHistogram.roundUp(11));
        assertEquals(500, TokenHistogram.roundUp(201));

        TokenHistogram h = TokenHistogram.of(new long[] {0, 9, 10, 19, 25, 99});
        assertEquals(5, h.binWidth(), "range 0..99 in about 30 bins: width 5");
        long[] counts = h.counts();
        assertEquals(20, counts.length);
        assertEquals(6, Arrays.stream(counts).sum());
        long[] expected = new long[20];
        expected[0] = 1; // 0
        expected[1] = 1; // 9 in [5, 10)
        expected[2] = 1; // 10 starts [10, 15)
        expected[3] = 1; // 19
        expected[5] = 1; // 25
        expected[19] = 1; // 99 in the last bin [95, 100)
        assertArrayEquals(expected, counts);

        long[] many = lengths();
        TokenHistogram big = TokenHistogram.of(many).bins(10);
        assertTrue(big.counts().length <= 11, "about 10 bins: " + big.counts().length);
        assertEquals(many.length, Arrays.stream(big.counts()).sum());
        assertThrows(IllegalArgumentException.class, () -> TokenHistogram.of(new long[] {-1}));
    }

    @Test
    void countsTheExamplesBeyondTheMaximumLength() {
        long[] l = lengths();
        TokenHistogram h = TokenHistogram.of(l).maxLength(200);
        assertEquals(Arrays.stream(l).filter(x -> x > 200).count(), h.overMaxLength());
        assertTrue(h.overMaxLength() > 0);
        assertEquals(0, TokenHistogram.of(l).overMaxLength(), "no limit, nothing over");
        TokenHistogram wide = TokenHistogram.of(new long[] {10, 20}).maxLength(1000);
        assertTrue(wide.counts().length * wide.binWidth() > 1000, "the range reaches the limit so the line shows");
        assertTrue(h.text().startsWith("tokens per example (500 examples): min "), h.text());
        assertTrue(h.text().contains(h.overMaxLength() + " over the max length 200"), h.text());
        assertEquals(1, h.text().lines().filter(line -> line.contains(" | ")).count(), "one bin marks the limit");
    }

    @Test
    void rendersAHeadlessPngWithBarsAndTheRedLimitLine() {
        TokenHistogram h = TokenHistogram.of(lengths());
        BufferedImage plain = Pixels.decode(h.png());
        assertTrue(GraphicsEnvironment.isHeadless(), "charts are drawn without a display");
        assertEquals(TokenHistogram.WIDTH, plain.getWidth());
        assertEquals(TokenHistogram.HEIGHT, plain.getHeight());
        assertTrue(Pixels.inked(plain) > 0.10, "bars fill a good part of the plot: " + Pixels.inked(plain));
        assertTrue(Pixels.count(plain, Charts.BLUE) > 5000, "blue bars");
        long redWithout = Pixels.count(plain, Charts.RED);

        BufferedImage limited = Pixels.decode(h.maxLength(220).png());
        assertTrue(Pixels.count(limited, Charts.RED) > redWithout + 100, "a red limit line is drawn");

        MimeBundle bundle = h.mimeBundle();
        assertTrue(bundle.png().isPresent());
        assertEquals(h.text(), bundle.text());
        assertFalse(TokenHistogram.of(new long[0]).mimeBundle().png().isPresent(), "nothing to draw, no image");
        assertEquals("tokens per example: no examples", TokenHistogram.of(new long[0]).text());
    }
}
