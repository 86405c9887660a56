package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.cli.CliTest.Outcome;
import io.tunebook.train.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code models/tiny-base-support-lora}, the quickstart's fully trained adapter that notebooks 05 and 07 use, is what
 * {@code examples/quickstart-lora.yaml} makes: its files are those its provenance records, and re-training the first
 * steps from the YAML and seed gives the recorded losses (the whole run takes about 12 minutes on 2 free cores,
 * too long for every build).
 */
class ShippedAdapterTest {
    private static final Path SHIPPED = Path.of("../models/tiny-base-support-lora");
    private static final Path RECORD = SHIPPED; // the run's record sits beside the adapter

    @Test
    void theShippedFilesAreTheOnesTheRunRecorded() throws IOException {
        JsonObject p = Provenance.read(RECORD).orElseThrow().json();
        JsonObject files = p.getAsJsonObject("artifact").getAsJsonObject("files");
        assertEquals(Provenance.sha256(SHIPPED.resolve("adapter_model.safetensors")),
                files.get("adapter_model.safetensors").getAsString());
        assertEquals(Provenance.sha256(SHIPPED.resolve("adapter_config.json")),
                files.get("adapter_config.json").getAsString());
        assertEquals("completed", p.getAsJsonObject("result").get("stop_reason").getAsString());
        assertEquals(p.getAsJsonObject("result").get("total_steps"), p.getAsJsonObject("result").get("steps"));
        assertTrue(Files.readString(SHIPPED.resolve("README.md")).contains(files.get("adapter_model.safetensors")
                .getAsString()), "the README gives the adapter's sha256");
        JsonObject adapterConfig = JsonParser.parseString(Files.readString(SHIPPED.resolve("adapter_config.json")))
                .getAsJsonObject();
        assertEquals("LORA", adapterConfig.get("peft_type").getAsString());
    }

    @Test
    void reTrainingTheFirstStepsFromTheYamlGivesTheRecordedLosses() {
        // Same inputs (sha256) and, on the recording machine, identical losses; elsewhere within verify's tolerance.
        Outcome o = CliTest.run("verify", RECORD.toString(), "--steps", "5");
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("inputs: unchanged"), o.out());
        assertTrue(o.out().contains("losses: all 1 logged losses"), o.out());
    }
}
