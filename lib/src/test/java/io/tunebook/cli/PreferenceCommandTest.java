package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.cli.CliTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunebook train} with {@code training.method: dpo | orpo} on a slice of datasets/preferences-fr. */
class PreferenceCommandTest {
    private static final Path MODEL = Path.of("../models/tiny-base").toAbsolutePath().normalize();
    private static final Path PAIRS = Path.of("../datasets/preferences-fr").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Path config(String name, String lora, String training) throws IOException {
        Files.write(dir.resolve("train.jsonl"), Files.readAllLines(PAIRS.resolve("train.jsonl")).subList(0, 8));
        Files.write(dir.resolve("validation.jsonl"), Files.readAllLines(PAIRS.resolve("validation.jsonl")).subList(0, 4));
        Path config = dir.resolve(name);
        Files.writeString(config, "model:\n  path: " + MODEL + "\n"
                + "data:\n  train: train.jsonl\n  validation: validation.jsonl\n"
                + "lora:\n" + lora
                + "training:\n  micro_batch_size: 2\n  gradient_accumulation_steps: 1\n  learning_rate: 1.0e-3\n"
                + "  logging_steps: 1\n  eval_strategy: steps\n  eval_steps: 2\n  save_steps: 2\n  sequence_len: 512\n"
                + training + "output:\n  dir: out-" + name.replace(".yaml", "") + "\n");
        return config;
    }

    private static List<JsonObject> metrics(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).collect(Collectors.toList());
    }

    private static List<Double> losses(Path run) throws IOException {
        return metrics(run).stream().filter(l -> l.has("loss")).map(l -> l.get("loss").getAsDouble())
                .collect(Collectors.toList());
    }

    @Test
    void dpoFromAnAdapterLogsTrlsMetricsAndResumesExactly() throws IOException {
        // A starting adapter (a fresh one, saved by a 1-step ORPO run: any PEFT adapter will do).
        Path start = config("start.yaml", "  r: 4\n  alpha: 8\n  target_modules: [q_proj, v_proj]\n",
                "  method: orpo\n  max_steps: 1\n");
        Files.writeString(start, Files.readString(start).replace("  eval_strategy: steps\n  eval_steps: 2\n  save_steps: 2\n",
                "  save_steps: 0\n"));
        Outcome o = CliTest.run("train", start.toString());
        assertEquals(0, o.code(), o.err());
        Path adapter = dir.resolve("out-start/adapter");
        assertTrue(Files.exists(adapter.resolve("adapter_model.safetensors")));

        Path config = config("dpo.yaml", "  model_dir: " + adapter + "\n", "  method: dpo\n  beta: 0.1\n  max_steps: 4\n");
        o = CliTest.run("train", config.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("8 of 8 preference pairs kept"), o.err());
        Path run = dir.resolve("out-dpo");
        List<JsonObject> lines = metrics(run);
        JsonObject first = lines.get(0);
        for (String key : List.of("loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies",
                "rewards/margins", "logps/chosen", "logps/rejected")) {
            assertTrue(first.has(key), key + " in " + first);
        }
        // The reference is the starting adapter itself: before any update the policy equals it, rewards are 0.
        assertEquals(0, first.get("rewards/chosen").getAsDouble(), 1e-4, first.toString());
        assertEquals(Math.log(2), first.get("loss").getAsDouble(), 1e-4, first.toString());
        assertEquals(2, lines.stream().filter(l -> l.has("eval_rewards/margins")).count());
        assertTrue(Files.exists(run.resolve("adapter/adapter_model.safetensors")));
        assertFalse(Files.exists(run.resolve("adapter/reference")), "the frozen reference is not a product");
        JsonObject cfg = JsonParser.parseString(Files.readString(run.resolve("adapter/adapter_config.json")))
                .getAsJsonObject();
        assertEquals(4, cfg.get("r").getAsInt(), "the starting adapter's settings");

        Path again = dir.resolve("again");
        assertEquals(0, CliTest.run("train", config.toString(), "--output", again.toString()).code());
        io.tunebook.io.AtomicDirectory.deleteRecursively(again.resolve("checkpoint-4"));
        Outcome resumed = CliTest.run("train", config.toString(), "--output", again.toString(), "--resume", "latest");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(losses(run), losses(again), "a resumed DPO run logs the losses of the uninterrupted one");
    }

    @Test
    void ipoTrainsOnAQuantizedBaseAgainstTheBaseWithAdaptersDisabled() throws IOException {
        Path config = config("ipo.yaml", "  r: 4\n  alpha: 8\n  target_modules: [q_proj, v_proj]\n",
                "  method: dpo\n  loss_type: ipo\n  max_steps: 2\n");
        Files.writeString(config, Files.readString(config) + "quantization:\n  type: nf4\n");
        Outcome o = CliTest.run("train", config.toString());
        assertEquals(0, o.code(), o.err());
        JsonObject step = metrics(dir.resolve("out-ipo")).get(0);
        // A fresh adapter on the NF4 base is the reference (the base, adapters disabled): z = 0, and IPO's
        // loss (z - 1/(2β))² is 25 at β 0.1.
        assertEquals(25, step.get("loss").getAsDouble(), 1e-3, step.toString());
        assertEquals(0, step.get("rewards/margins").getAsDouble(), 1e-4, step.toString());
    }

    @Test
    void badPairsAndSettingsAreNamed() throws IOException {
        String lora = "  r: 4\n  target_modules: [q_proj]\n";
        Path config = config("bad.yaml", lora, "  method: dpo\n  max_steps: 1\n");
        List<String> rows = Files.readAllLines(dir.resolve("train.jsonl"));
        JsonObject row = JsonParser.parseString(rows.get(2)).getAsJsonObject();
        row.addProperty("rejected", row.get("chosen").getAsString());
        rows.set(2, row.toString());
        Files.write(dir.resolve("train.jsonl"), rows);
        Outcome o = CliTest.run("train", config.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("train.jsonl:3") && o.err().contains("identical"), o.err());

        o = CliTest.run("train", config("beta.yaml", lora, "  method: lora\n  beta: 0.2\n").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("training.beta applies to training.method dpo or orpo, not lora"), o.err());
        o = CliTest.run("train", config("type.yaml", lora, "  method: dpo\n  loss_type: robust\n").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("training.loss_type must be sigmoid, ipo or hinge, got 'robust'"), o.err());
        o = CliTest.run("train", config("ref.yaml", lora, "  method: dpo\n  reference: adapter\n").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("training.reference adapter needs lora.model_dir"), o.err());
    }
}
