package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.cli.CliTest.Outcome;
import io.tunebook.train.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tunebook train} records its provenance and {@code tunebook verify} re-runs it: identical losses on this
 * machine, and a changed data file is named with the first step whose loss moved. Four steps of tiny-base.
 */
class VerifyCommandTest {
    @TempDir
    Path dir;

    private Path config() throws IOException {
        Path support = Path.of("../datasets/support-fr").toAbsolutePath().normalize();
        Files.write(dir.resolve("train.jsonl"), Files.readAllLines(support.resolve("train.jsonl")).subList(0, 16));
        Files.write(dir.resolve("validation.jsonl"), Files.readAllLines(support.resolve("validation.jsonl")).subList(0, 4));
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, "model:\n  path: " + Path.of("../models/tiny-base").toAbsolutePath().normalize() + "\n"
                + "data:\n  train: train.jsonl\n  validation: validation.jsonl\n"
                + "lora:\n  r: 4\n  alpha: 8\n  target_modules: [q_proj, v_proj]\n"
                + "training:\n  max_steps: 4\n  micro_batch_size: 2\n  gradient_accumulation_steps: 1\n"
                + "  learning_rate: 1.0e-3\n  sequence_len: 256\n  logging_steps: 1\n  eval_strategy: steps\n"
                + "  eval_steps: 2\n  save_strategy: 'no'\n  seed: 7\n"
                + "output:\n  dir: out\n");
        return config;
    }

    @Test
    void trainRecordsProvenanceAndVerifyFindsTheSameLossesThenNamesAChangedFile() throws IOException {
        Path config = config();
        Outcome trained = CliTest.run("train", config.toString());
        assertEquals(0, trained.code(), trained.err());
        Path run = dir.resolve("out");
        JsonObject p = JsonParser.parseString(Files.readString(run.resolve(Provenance.FILE))).getAsJsonObject();
        assertEquals("train", p.get("origin").getAsString());
        assertEquals(7, p.get("seed").getAsLong());
        assertEquals(Provenance.sha256(Path.of("../models/tiny-base/model.safetensors")),
                p.getAsJsonObject("base_model").getAsJsonObject("files").get("model.safetensors").getAsString());
        assertEquals("train.jsonl", p.getAsJsonArray("data").get(0).getAsJsonObject().get("path").getAsString()
                .replace("../", ""));
        assertEquals(Provenance.sha256(dir.resolve("train.jsonl")),
                p.getAsJsonArray("data").get(0).getAsJsonObject().get("sha256").getAsString());
        assertEquals(Provenance.sha256(run.resolve("adapter/adapter_model.safetensors")),
                p.getAsJsonObject("artifact").getAsJsonObject("files").get("adapter_model.safetensors").getAsString());
        assertTrue(p.getAsJsonObject("runtime").get("threads").getAsInt() > 0);
        assertTrue(p.getAsJsonObject("runtime").get("engine").getAsString().startsWith("PyTorch"));
        assertEquals(4, p.getAsJsonObject("configuration").getAsJsonObject("training").get("max_steps").getAsInt());

        Outcome whole = CliTest.run("verify", run.toString());
        assertEquals(0, whole.code(), whole.out() + whole.err());
        assertTrue(whole.out().contains("inputs: unchanged"), whole.out());
        assertTrue(whole.out().contains("all 6 logged losses identical"), whole.out()); // 4 training, evaluations at 2 and 4
        assertTrue(whole.out().contains("artifact: sha256 identical"), whole.out());

        // The validation file changed: the training losses still agree, the first evaluation (step 2) does not.
        List<String> validation = new ArrayList<>(Files.readAllLines(dir.resolve("validation.jsonl")));
        validation.set(0, validation.get(1));
        Files.write(dir.resolve("validation.jsonl"), validation);
        Outcome changed = CliTest.run("verify", run.toString(), "--steps", "2");
        assertEquals(1, changed.code(), changed.out() + changed.err());
        assertTrue(changed.out().contains("inputs changed since the run:"), changed.out());
        assertTrue(changed.out().contains("validation.jsonl: sha256 "), changed.out());
        assertTrue(changed.out().contains("first differing step: 2 (eval_loss at step 2:"), changed.out());
        assertTrue(changed.out().contains("after 2 matching logged losses"), changed.out());
    }

    @Test
    void aDirectoryWithoutProvenanceIsOneLineAndExitTwo() throws IOException {
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"step\":1,\"loss\":2.0}\n");
        Outcome o = CliTest.run("verify", dir.toString());
        assertEquals(2, o.code());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("has no provenance.json"), o.err());
    }

    @Test
    void aRunMadeFromCodeCannotBeReRunAndSaysWhy() throws IOException {
        Files.writeString(dir.resolve(Provenance.FILE), "{\"format\":\"" + Provenance.FORMAT + "\",\"origin\":\"code\","
                + "\"seed\":1}");
        Outcome o = CliTest.run("verify", dir.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("records a run made from code"), o.err());
    }

    @Test
    void comparisonIsExactOnTheSameRuntimeAndRelativeOnAnother() {
        TreeMap<String, Double> before = new TreeMap<>();
        before.put(VerifyCommand.key(1, "loss"), 2.0);
        before.put(VerifyCommand.key(2, "loss"), 1.5);
        before.put(VerifyCommand.key(2, "eval_loss"), 1.7);
        TreeMap<String, Double> after = new TreeMap<>(before);
        after.put(VerifyCommand.key(2, "loss"), 1.5 * (1 + 1e-6));
        VerifyCommand.Comparison exact = VerifyCommand.compare(before, after, 2, 0);
        assertEquals(2, exact.firstDifference());
        assertTrue(exact.report().contains("loss at step 2"), exact.report());
        VerifyCommand.Comparison loose = VerifyCommand.compare(before, after, 2, 1e-3);
        assertNull(loose.firstDifference());
        assertEquals(3, loose.compared());
        assertTrue(loose.report().contains("within tolerance"), loose.report());
        assertEquals(1, VerifyCommand.compare(before, after, 1, 0).compared(), "steps past --steps are not compared");
        after.remove(VerifyCommand.key(2, "eval_loss"));
        assertFalse(VerifyCommand.compare(before, after, 2, 1e-3).report().contains("identical"));
    }
}
