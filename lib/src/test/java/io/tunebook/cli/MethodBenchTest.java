package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.cli.CliTest.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tunebook bench --methods}: one child JVM per method, measured beside the planner's estimate. */
class MethodBenchTest {
    @Test
    void loraAndQloraRunSideBySideInTheirOwnProcesses() {
        Outcome o = CliTest.run("bench", "../models/tiny-base", "--methods", "lora,qlora", "--batch", "1", "--seq", "16",
                "--steps", "1", "--json");
        assertEquals(0, o.code(), o.err());
        JsonArray rows = JsonParser.parseString(o.out()).getAsJsonArray();
        assertEquals(2, rows.size());
        JsonObject lora = rows.get(0).getAsJsonObject();
        JsonObject qlora = rows.get(1).getAsJsonObject();
        assertEquals("lora", lora.get("method").getAsString());
        assertEquals("qlora", qlora.get("method").getAsString());
        // r 16 on q (256 -> 256), k and v (256 -> 128), o (256 -> 256), in 6 layers.
        long adapter = 6L * 16 * ((256 + 256) + 2 * (256 + 128) + (256 + 256));
        for (JsonObject row : new JsonObject[] {lora, qlora}) {
            assertEquals(adapter, row.get("trainable_parameters").getAsLong());
            assertTrue(row.get("tokens_per_second").getAsDouble() > 0, row.toString());
            double engine = row.get("engine_rss_mb").getAsDouble();
            assertTrue(engine > 0 && row.get("ready_rss_mb").getAsDouble() > engine, row.toString());
            assertTrue(row.get("peak_rss_mb").getAsDouble() >= row.get("ready_rss_mb").getAsDouble(), row.toString());
            JsonObject estimate = row.getAsJsonObject("estimate_mb");
            assertEquals(engine, estimate.get("overhead").getAsDouble(), 0.11, "the estimate's overhead is the engine's RSS");
        }
        assertEquals(24_916_992, lora.get("base_weight_bytes").getAsLong(), "6,229,248 float32 weights");
        assertEquals(0.5159, qlora.get("quantized_bytes_per_parameter").getAsDouble(), 1e-9);
        assertTrue(qlora.get("base_weight_bytes").getAsLong() < 0.45 * lora.get("base_weight_bytes").getAsLong());
        assertTrue(qlora.getAsJsonObject("estimate_mb").get("weights").getAsDouble()
                < lora.getAsJsonObject("estimate_mb").get("weights").getAsDouble());

        Outcome bad = CliTest.run("bench", "../models/tiny-base", "--methods", "lora,dora");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("dora"), bad.err());
    }

    @Test
    void theTablePutsMeasuredAndEstimatedMemoryInOneRowAMethod() {
        Map<String, Object> full = Map.of("method", "full", "trainable_parameters", 6229248.0, "base_weight_bytes",
                24916992.0, "tokens_per_second", 623.2, "ready_rss_mb", 230.9, "peak_rss_mb", 1074.9,
                "estimate_mb", Map.of("total", 518.4));
        Map<String, Object> qlora = Map.of("method", "qlora", "trainable_parameters", 172032.0, "base_weight_bytes",
                10531992.0, "tokens_per_second", 843.0, "ready_rss_mb", 232.0, "peak_rss_mb", 1105.0,
                "estimate_mb", Map.of("total", 461.0));
        assertEquals("training step, batch 4 x seq 256, float32 (each method in a fresh JVM)\n"
                + "method  trainable params  base weights MiB  train tok/s  ready RSS MiB  peak RSS MiB  estimate MiB\n"
                + "full             6229248              23.8          623            231          1075           518\n"
                + "qlora             172032              10.0          843            232          1105           461\n",
                MethodBench.table(List.of(full, qlora), new MethodBench.Workload(4, 256, 5)));
    }
}
