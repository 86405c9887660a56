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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fully trained adapters the notebooks use are what their YAML makes: {@code models/tiny-base-support-lora}
 * ({@code examples/quickstart-lora.yaml}; notebooks 05, 07, 11) and {@code models/tiny-base-extract-json-lora}
 * ({@code examples/extract-json-lora.yaml}; notebook 10). Their files are those their provenance records, and
 * re-training the first steps from the YAML and seed gives the recorded losses (each whole run takes 12 to 35 minutes
 * on 2 cores, too long for every build).
 */
class ShippedAdapterTest {
    private static Path shipped(String name) {
        return Path.of("../models").resolve(name); // the run's record sits beside the adapter
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-base-support-lora", "tiny-base-extract-json-lora"})
    void theShippedFilesAreTheOnesTheRunRecorded(String name) throws IOException {
        Path dir = shipped(name);
        JsonObject p = Provenance.read(dir).orElseThrow().json();
        JsonObject files = p.getAsJsonObject("artifact").getAsJsonObject("files");
        assertEquals(Provenance.sha256(dir.resolve("adapter_model.safetensors")),
                files.get("adapter_model.safetensors").getAsString());
        assertEquals(Provenance.sha256(dir.resolve("adapter_config.json")),
                files.get("adapter_config.json").getAsString());
        assertEquals("completed", p.getAsJsonObject("result").get("stop_reason").getAsString());
        assertEquals(p.getAsJsonObject("result").get("total_steps"), p.getAsJsonObject("result").get("steps"));
        assertTrue(Files.readString(dir.resolve("README.md")).contains(files.get("adapter_model.safetensors")
                .getAsString()), "the README gives the adapter's sha256");
        JsonObject adapterConfig = JsonParser.parseString(Files.readString(dir.resolve("adapter_config.json")))
                .getAsJsonObject();
        assertEquals("LORA", adapterConfig.get("peft_type").getAsString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-base-support-lora", "tiny-base-extract-json-lora"})
    void reTrainingTheFirstStepsFromTheYamlGivesTheRecordedLosses(String name) {
        // Same inputs (sha256) and, on the recording machine, identical losses; elsewhere within verify's tolerance.
        Outcome o = CliTest.run("verify", shipped(name).toString(), "--steps", "5");
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("inputs: unchanged"), o.out());
        assertTrue(o.out().contains("losses: all 1 logged losses"), o.out());
    }
}
