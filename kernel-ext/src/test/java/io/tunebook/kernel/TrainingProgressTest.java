package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.display.MimeBundle;
import io.tunebook.train.StepMetrics;
import io.tunebook.train.TrainingResult;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
    private static boolean inked(BufferedImage png, int x, int y) {
        for (int dx = -3; dx <= 3; dx++) {
            for (int dy = -3; dy <= 3; dy++) {
                if ((png.getRGB(x + dx, y + dy) & 0xffffff) != 0xffffff) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void showsProgressStateAndALossCurve() throws Exception {
        TrainingProgress view = new TrainingProgress();
        assertEquals("training: running, no step logged yet", view.mimeBundle().text());
        assertFalse(view.mimeBundle().png().isPresent());
        view.onStep(new StepMetrics(1, 10, 4.0, 1e-3, 1.5, 1000, 0.5));
        view.onStep(new StepMetrics(2, 10, 3.0, 1e-3, 1.2, 1100, 1.0));
        MimeBundle running = view.mimeBundle();
        assertTrue(running.text().startsWith("training running: step 2 / 10, loss 3.0000"), running.text());
        assertTrue(running.html().orElseThrow().contains("<progress max=\"10\" value=\"2\">"));
        assertTrue(running.html().orElseThrow().contains("src=\"data:image/png;base64," + running.data().get("image/png")),
                "the HTML rendition carries the chart, as front ends show HTML rather than PNG");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(running.png().orElseThrow()));
        assertEquals(480, png.getWidth());
        // Steps 1-2 of 10 span the first tenth to fifth of the width; the loss falls from top to bottom.
        assertTrue(inked(png, 76, 80), "the curve passes the middle of its segment");
        assertFalse(inked(png, 300, 80), "nothing is drawn past the last logged step");

        view.onEnd(new TrainingResult(2, 3.0, Double.NaN, true, 1.0));
        assertEquals("stopped at step 2 (interrupted)", view.state());
        assertTrue(view.mimeBundle().html().orElseThrow().contains("<b>stopped at step 2 (interrupted)</b>"));
    }
}
