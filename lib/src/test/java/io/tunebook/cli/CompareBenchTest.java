package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.cli.CliTest.Outcome;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code tunebook bench --compare} and {@code --eval-batches}: what they report, not how fast (no timings). */
class CompareBenchTest {
    static final String TINY = "../models/tiny-base";
    static final List<String> SHAPE = List.of("--batch", "1", "--seq", "16", "--steps", "1", "--gen-tokens", "3");

    static boolean pythonHasTorch() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Outcome bench(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("bench", TINY));
        all.addAll(List.of(args));
        return CliTest.run(all.toArray(new String[0]));
    }

    @Test
    void loraAgainstPyTorchGivesMediansAndRatiosOfTwoRoundsEach() {
        Assumptions.assumeTrue(pythonHasTorch(), "/usr/bin/python3 has no torch (apt-get install python3-torch)");
        List<String> args = new java.util.ArrayList<>(List.of("--compare", "--method", "lora", "--rounds", "2",
                "--pytorch-bench", "../bench/pytorch_bench.py", "--json"));
        args.addAll(SHAPE);
        Outcome o = bench(args.toArray(new String[0]));
        assertEquals(0, o.code(), o.err());
        JsonObject r = JsonParser.parseString(o.out()).getAsJsonObject();
        assertEquals("lora", r.get("method").getAsString());
        JsonArray ours = r.getAsJsonArray("tunebook_runs");
        JsonArray theirs = r.getAsJsonArray("pytorch_runs");
        assertEquals(2, ours.size());
        assertEquals(2, theirs.size());
        for (int i = 0; i < 2; i++) {
            // The same LoRA step on both sides: r 16 on q, k, v, o of 6 layers.
            assertEquals("lora", theirs.get(i).getAsJsonObject().get("method").getAsString());
            assertEquals(6L * 16 * ((256 + 256) + 2 * (256 + 128) + (256 + 256)),
                    theirs.get(i).getAsJsonObject().get("trainable_parameters").getAsLong());
            assertEquals(8, theirs.get(i).getAsJsonObject().getAsJsonObject("generate_batched").get("rows").getAsInt());
            assertEquals(8, ours.get(i).getAsJsonObject().getAsJsonObject("generate_batched").get("rows").getAsInt());
            // Both say which phase set the peak: the high-water mark after each, in the same order, never falling.
            for (JsonObject run : List.of(ours.get(i).getAsJsonObject(), theirs.get(i).getAsJsonObject())) {
                JsonObject after = run.getAsJsonObject("peak_rss_mb_after");
                assertEquals(List.of("forward", "generate", "generate_batched", "train"), List.copyOf(after.keySet()));
                double last = 0;
                for (String phase : after.keySet()) {
                    double v = after.get(phase).getAsDouble();
                    assertTrue(v >= last && v <= run.get("peak_rss_mb").getAsDouble(), phase + ": " + after);
                    last = v;
                }
            }
        }
        for (String m : List.of("train", "forward", "generate", "generate_batched", "peak_rss")) {
            JsonObject row = r.getAsJsonObject(m);
            double t = row.get("tunebook").getAsDouble();
            double p = row.get("pytorch").getAsDouble();
            assertTrue(t > 0 && p > 0, m + ": " + row);
            // Higher is better: memory is PyTorch's over tunebook's.
            double expected = m.equals("peak_rss") ? p / t : t / p;
            assertEquals(expected, row.get("ratio").getAsDouble(), 1e-3, m);
        }
        double a = ours.get(0).getAsJsonObject().getAsJsonObject("train").get("tokens_per_second").getAsDouble();
        double b = ours.get(1).getAsJsonObject().getAsJsonObject("train").get("tokens_per_second").getAsDouble();
        assertEquals((a + b) / 2, r.getAsJsonObject("train").get("tunebook").getAsDouble(), 0.01, "the median of two");
        assertTrue(r.getAsJsonObject("generate_bound").get("generate_bound_tokens_per_second").getAsDouble() > 0);
    }

    @Test
    void qloraIsTunebookAloneWithTheDequantizationBrokenOut() {
        List<String> args = new java.util.ArrayList<>(List.of("--compare", "--method", "qlora", "--rounds", "1",
                "--pytorch-bench", "../bench/pytorch_bench.py", "--json"));
        args.addAll(SHAPE);
        Outcome o = bench(args.toArray(new String[0]));
        assertEquals(0, o.code(), o.err());
        JsonObject r = JsonParser.parseString(o.out()).getAsJsonObject();
        assertEquals(0, r.getAsJsonArray("pytorch_runs").size());
        assertFalse(r.getAsJsonObject("train").has("pytorch"));
        JsonObject dq = r.getAsJsonObject("dequantize");
        assertTrue(dq.get("seconds_per_pass").getAsDouble() > 0, dq.toString());
        double share = dq.get("share_of_step").getAsDouble();
        assertTrue(share > 0 && share < 1, dq.toString());
    }

    @Test
    void evalBatchesGiveTheSameAnswersAtEverySize() {
        Outcome o = bench("--eval-batches", "1,3", "--eval-prompts", "5", "--gen-tokens", "6", "--eval-data",
                "../datasets/support-fr/test.jsonl", "--json");
        assertEquals(0, o.code(), o.err());
        JsonObject r = JsonParser.parseString(o.out()).getAsJsonObject();
        assertEquals(5, r.get("prompts").getAsInt());
        JsonArray rows = r.getAsJsonArray("batches");
        assertEquals(2, rows.size());
        assertEquals(3, rows.get(1).getAsJsonObject().get("batch").getAsInt());
        assertEquals(0, rows.get(1).getAsJsonObject().get("mismatches").getAsInt());
        assertEquals(rows.get(0).getAsJsonObject().get("new_tokens").getAsLong(),
                rows.get(1).getAsJsonObject().get("new_tokens").getAsLong());
    }

    @Test
    void profileDecodeCountsTheStepsOperators() {
        Outcome o = bench("--profile-decode", "2", "--steps", "3", "--json");
        assertEquals(0, o.code(), o.err());
        JsonObject r = JsonParser.parseString(o.out()).getAsJsonObject();
        assertEquals(2, r.get("rows").getAsInt());
        double outer = r.get("outer_ops_per_step").getAsDouble();
        // A layer is at least its projections' matmuls: 6 layers of tiny-base, then the head.
        assertTrue(outer >= 6 * 4 + 1, r.toString());
        assertTrue(r.get("all_ops_per_step").getAsDouble() >= outer, r.toString());
        assertTrue(r.getAsJsonObject("outer_ops_by_name").has("aten::matmul"), r.toString());
        assertTrue(r.get("native_bytes_allocated_per_step").getAsLong() > 0, r.toString());
    }

    @Test
    void onlyOutermostOperatorsCountAsCalledFromTheJvm(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // linear = t + matmul (nested mm), then an add: three outer ops, one of them allocating 1 KiB.
        String trace = "[{\"name\":\"aten::t\",\"ph\":\"X\",\"ts\":0,\"dur\":2,\"tid\":1,\"cpu mem\":\"0 b\"},"
                + "{\"name\":\"aten::matmul\",\"ph\":\"X\",\"ts\":3,\"dur\":10,\"tid\":1,\"cpu mem\":\"1.00 Kb\"},"
                + "{\"name\":\"aten::mm\",\"ph\":\"X\",\"ts\":4,\"dur\":8,\"tid\":1,\"cpu mem\":\"1.00 Kb\"},"
                + "{\"name\":\"aten::cat\",\"ph\":\"X\",\"ts\":14,\"dur\":1,\"tid\":1,\"cpu mem\":\"0 b\"}]";
        java.nio.file.Path file = dir.resolve("trace.json");
        java.nio.file.Files.writeString(file, trace);
        java.util.Map<String, Object> r = DecodeProfile.summarize(file, 1, 1e-4);
        assertEquals(3.0, r.get("outer_ops_per_step"));
        assertEquals(4.0, r.get("all_ops_per_step"));
        assertEquals(1.0, r.get("copy_ops_per_step"));
        assertEquals(1.0, r.get("allocating_ops_per_step"));
        assertEquals(1024L, r.get("native_bytes_allocated_per_step"));
    }

    @Test
    void badFlagsAreUsageErrors() {
        Outcome rounds = bench("--compare", "--rounds", "0");
        assertEquals(2, rounds.code());
        assertTrue(rounds.err().contains("--rounds"), rounds.err());
        Outcome script = bench("--compare", "--pytorch-bench", "no/such/bench.py");
        assertEquals(2, script.code());
        assertTrue(script.err().contains("no/such/bench.py"), script.err());
        Outcome sizes = bench("--eval-batches", "1,0");
        assertEquals(2, sizes.code());
        assertTrue(sizes.err().contains("--eval-batches"), sizes.err());
    }
}
