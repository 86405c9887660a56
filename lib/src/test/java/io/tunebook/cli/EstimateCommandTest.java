package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class EstimateCommandTest {

    private static JsonObject json(String... argv) {
        CliTest.Outcome o = CliTest.run(argv);
        assertEquals(0, o.code(), o.err());
        return JsonParser.parseString(o.out()).getAsJsonObject();
    }

    @Test
    void jsonHasTheBreakdownAndItsTotal() {
        JsonObject j = json("estimate", "--params", "8B", "--method", "qlora", "--json");
        double sum = 0;
        for (String part : new String[] {"weights_gb", "adapters_gb", "gradients_gb", "optimizer_states_gb",
            "activations_gb", "overhead_gb"}) {
            sum += j.get(part).getAsDouble();
        }
        assertEquals(sum, j.get("total_gb").getAsDouble(), 0.06);
        assertEquals("paged_adamw_8bit", j.get("optimizer").getAsString());
        assertEquals(41_943_040L, j.get("trainable_parameters").getAsLong());
        double lora = json("estimate", "--params", "8B", "--method", "lora", "--json").get("total_gb").getAsDouble();
        double full = json("estimate", "--params", "8B", "--method", "full", "--json").get("total_gb").getAsDouble();
        assertTrue(j.get("total_gb").getAsDouble() < lora && lora < full, j + " " + lora + " " + full);
    }

    @Test
    void readsAConfigAndPricesTheRun() {
        JsonObject j = json("estimate", "--config", "../models/tiny-base", "--method", "lora", "--seq", "256",
                "--batch", "8", "--rank", "8", "--targets", "q_proj,v_proj", "--gpu", "t4", "--tokens", "1000000",
                "--epochs", "2", "--price", "0.5", "--json");
        assertEquals(6 * 8 * (256 + 256 + 256 + 128), j.get("trainable_parameters").getAsLong());
        assertEquals(1, j.get("gpus_needed").getAsInt());
        assertEquals(j.get("gpu_hours").getAsDouble() * 0.5, j.get("cost").getAsDouble(), 0.01);
        assertTrue(j.get("flops").getAsDouble() > 2e6 * 4 * 4e6, j.toString());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, CliTest.run("estimate", "--method", "lora").code());
        assertEquals(2, CliTest.run("estimate", "--params", "8B").code());
        assertEquals(2, CliTest.run("estimate", "--params", "8B", "--config", "x", "--method", "lora").code());
        CliTest.Outcome o = CliTest.run("estimate", "--params", "9B", "--method", "lora");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("70B"), o.err());
        assertEquals(2, CliTest.run("estimate", "--params", "8B", "--method", "dora").code());
        assertEquals(2, CliTest.run("estimate", "--params", "8B", "--method", "lora", "--targets", "qproj").code());
        assertEquals(2, CliTest.run("estimate", "--params", "8B", "--method", "lora", "--tokens", "100").code());
        assertEquals(2, CliTest.run("estimate", "--params", "8B", "--method", "lora", "--seq", "0").code());
        assertEquals(2, CliTest.run("estimate", "--config", "no/such/config.json", "--method", "lora").code());
    }

    @Test
    void theCpuProfileHasNoDeviceContextAndPlainAdamW() {
        JsonObject gpu = json("estimate", "--config", "../bench/configs/llama-3.2-1b.json", "--method", "qlora", "--json");
        JsonObject cpu = json("estimate", "--config", "../bench/configs/llama-3.2-1b.json", "--method", "qlora",
                "--hardware", "cpu", "--json");
        assertEquals("paged_adamw_8bit", gpu.get("optimizer").getAsString());
        assertEquals("adamw_torch", cpu.get("optimizer").getAsString());
        // No 1 GB device context: the engine (161 MiB), the allocator's slack (2 bytes x 16 layers x 512
        // tokens x 10,240) and what quantizing as it reads leaves (64 MiB).
        double overhead = cpu.get("overhead_gb").getAsDouble();
        assertTrue(overhead >= ((161L << 20) + 2L * 16 * 512 * 10240 + (64L << 20)) / 1e9 - 0.01, cpu.toString());
        assertTrue(overhead < gpu.get("overhead_gb").getAsDouble() + 1.0, cpu.toString());
        assertEquals(gpu.get("weights_gb").getAsDouble(), cpu.get("weights_gb").getAsDouble(), 1e-9);
        assertEquals(2, CliTest.run("estimate", "--params", "8B", "--method", "lora", "--hardware", "tpu").code());
    }
}
