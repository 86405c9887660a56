package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The preference losses against {@code src/test/resources/preference/reference.py}, written from the
 * papers' formulas in plain Python with gradients by finite differences (rerun it to regenerate
 * {@code reference.json}).
 */
class PreferenceLossTest {
    private static final Path FIXTURE = Path.of("src/test/resources/preference/reference.json");

    private static double[] doubles(JsonObject o, String name) {
        JsonArray a = o.getAsJsonArray(name);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }

    private static long[] longs(JsonObject o, String name) {
        JsonArray a = o.getAsJsonArray(name);
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    @Test
    void lossAndGradientMatchTheIndependentReference() throws IOException {
        JsonObject f = JsonParser.parseString(Files.readString(FIXTURE)).getAsJsonObject();
        int cases = 0;
        for (JsonElement c : f.getAsJsonArray("cases")) {
            JsonObject o = c.getAsJsonObject();
            PreferenceLoss loss = new PreferenceLoss(
                    PreferenceLoss.Type.valueOf(o.get("type").getAsString().toUpperCase(Locale.ROOT)),
                    o.get("beta").getAsDouble(), o.get("label_smoothing").getAsDouble());
            PreferenceLoss.Result r = loss.compute(doubles(f, "chosen"), doubles(f, "rejected"),
                    longs(f, "chosen_tokens"), longs(f, "rejected_tokens"), doubles(f, "ref_chosen"),
                    doubles(f, "ref_rejected"));
            String what = loss.toString();
            assertEquals(o.get("loss").getAsDouble(), r.loss(), 1e-6, what + ": loss");
            double[] dc = doubles(o, "d_chosen");
            double[] dr = doubles(o, "d_rejected");
            for (int i = 0; i < dc.length; i++) {
                assertEquals(dc[i], r.dChosen()[i], 1e-6, what + ": d loss / d chosen[" + i + "]");
                assertEquals(dr[i], r.dRejected()[i], 1e-6, what + ": d loss / d rejected[" + i + "]");
            }
            cases++;
        }
        assertEquals(7, cases);
    }

    @Test
    void metricsAreTrlsRewardsAndLogps() {
        // One pair the policy already prefers (more than the reference does), one it does not.
        double[] chosen = {-10, -20};
        double[] rejected = {-14, -18};
        double[] refChosen = {-12, -20};
        double[] refRejected = {-12, -19};
        PreferenceLoss.Result r = PreferenceLoss.dpo().compute(chosen, rejected, new long[] {5, 5},
                new long[] {5, 5}, refChosen, refRejected);
        // rewards: β(log π − log π_ref); pair 0: 0.2 vs −0.2, pair 1: 0 vs 0.1
        assertEquals((0.2 + 0) / 2, r.metrics().get("rewards/chosen"), 1e-12);
        assertEquals((-0.2 + 0.1) / 2, r.metrics().get("rewards/rejected"), 1e-12);
        assertEquals(0.5, r.metrics().get("rewards/accuracies"), 1e-12);
        assertEquals(0.15, r.metrics().get("rewards/margins"), 1e-12);
        assertEquals(-15, r.metrics().get("logps/chosen"), 1e-12);
        assertEquals(-16, r.metrics().get("logps/rejected"), 1e-12);
        // sigmoid loss −log σ(βz) with z = 4 and z = −1
        double expected = (Math.log1p(Math.exp(-0.4)) + Math.log1p(Math.exp(0.1))) / 2;
        assertEquals(expected, r.loss(), 1e-12);
        assertTrue(r.dChosen()[0] < 0 && r.dRejected()[0] > 0, "raising the chosen log-prob lowers the loss");
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> PreferenceLoss.dpo(PreferenceLoss.Type.SIGMOID, 0));
        assertThrows(IllegalArgumentException.class,
                () -> PreferenceLoss.dpo(PreferenceLoss.Type.IPO, 0.1).withLabelSmoothing(0.1));
        assertThrows(IllegalArgumentException.class, () -> PreferenceLoss.dpo().withLabelSmoothing(0.5));
        assertEquals(false, PreferenceLoss.orpo(0.1).needsReference());
    }
}
