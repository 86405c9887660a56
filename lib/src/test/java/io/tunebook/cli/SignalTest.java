package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM at random moments of {@code tunebook train} (LoRA on the shipped tiny model): the process
 * stops at a step boundary and exits 143, never with a native crash (exit 134, an hs_err file);
 * what it leaves is whole (every checkpoint complete, no staging directories, every metrics line
 * JSON), and {@code --resume latest} then finishes the run. The number of signals is the
 * {@code tunebook.signals} property (20 here; {@code bench/signals.sh} sends 200).
 */
class SignalTest {
    private static final int SIGNALS = Integer.getInteger("tunebook.signals", 20);

    @TempDir
    Path dir;

    @Test
    void sigtermAtRandomMomentsOfTrainingNeverCrashesAndTheRunResumes() throws Exception {
        Path config = config();
        long started = System.nanoTime();
        Run whole = train(config, dir.resolve("whole"), -1, List.of());
        assertEquals(0, whole.code, whole.err);
        double seconds = (System.nanoTime() - started) / 1e9;

        Random random = new Random(12);
        Map<Integer, Integer> codes = new TreeMap<>();
        Path resumable = null;
        for (int i = 0; i < SIGNALS; i++) {
            // From JVM start-up to the end of the run: loading, training, checkpoint writes, exit.
            long delayMs = (long) (random.nextDouble() * seconds * 1000);
            Path out = dir.resolve("run-" + i);
            Run r = train(config, out, delayMs, List.of());
            codes.merge(r.code, 1, Integer::sum);
            // A signal while the JVM itself starts (before any of our code, or a shutdown hook, can run) ends it
            // with the JVM's own start-up error and exit 1; that is not a crash (no hs_err file, below).
            boolean vmStarting = r.code == 1 && r.err.startsWith("Error occurred during initialization of VM");
            assertTrue(r.code == 143 || r.code == 0 || vmStarting, "run " + i + " (SIGTERM after " + delayMs
                    + " ms) exited " + r.code + ":\n" + r.err);
            assertWhole(out, i);
            if (resumable == null && r.code == 143 && Files.isDirectory(out)
                    && io.tunebook.train.Checkpoints.latestStep(out).isPresent()) {
                resumable = out;
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> crashes = files.filter(p -> p.getFileName().toString().startsWith("hs_err_pid"))
                    .collect(Collectors.toList());
            assertEquals(List.of(), crashes, "native crash logs");
        }
        System.err.println("SignalTest: " + SIGNALS + " SIGTERMs over a " + String.format("%.1f", seconds)
                + " s run; exit codes " + codes);
        assertTrue(codes.getOrDefault(143, 0) > 0, "some signals must land before the end: " + codes);
        if (resumable != null) {
            Run resumed = train(config, resumable, -1, List.of("--resume", "latest"));
            assertEquals(0, resumed.code, resumed.err);
            assertTrue(Files.exists(resumable.resolve("adapter/adapter_model.safetensors")));
            List<Integer> steps = Files.readAllLines(resumable.resolve("metrics.jsonl")).stream()
                    .map(l -> JsonParser.parseString(l).getAsJsonObject())
                    .filter(o -> o.has("loss")).map(o -> o.get("step").getAsInt()).collect(Collectors.toList());
            assertEquals(List.of(1, 2, 3, 4, 5, 6), steps, "one uninterrupted log");
        }
    }

    /** Every checkpoint complete, nothing half-written, every metrics line whole JSON. */
    private static void assertWhole(Path out, int run) throws IOException {
        if (!Files.isDirectory(out)) {
            return;
        }
        try (Stream<Path> children = Files.list(out)) {
            for (Path c : (Iterable<Path>) children::iterator) {
                String name = c.getFileName().toString();
                assertTrue(!name.startsWith("."), "run " + run + " left a staging directory " + name);
                if (name.startsWith("checkpoint-")) {
                    for (String part : new String[] {"trainer_state.json", "trainable.safetensors",
                        "optimizer.safetensors", "adapter/adapter_model.safetensors"}) {
                        assertTrue(Files.exists(c.resolve(part)), "run " + run + ": " + name + " lacks " + part);
                    }
                }
            }
        }
        Path metrics = out.resolve("metrics.jsonl");
        if (Files.exists(metrics)) {
            for (String line : Files.readAllLines(metrics)) {
                JsonParser.parseString(line).getAsJsonObject();
            }
        }
    }

    private Path config() throws IOException {
        Path support = Path.of("../datasets/support-fr").toAbsolutePath().normalize();
        Files.write(dir.resolve("train.jsonl"), Files.readAllLines(support.resolve("train.jsonl")).subList(0, 12));
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, "model:\n  path: " + Path.of("../models/tiny-base").toAbsolutePath().normalize()
                + "\n  dtype: float32\ndata:\n  train: train.jsonl\n"
                + "lora:\n  r: 4\n  target_modules: [q_proj, v_proj]\n"
                + "training:\n  micro_batch_size: 2\n  gradient_accumulation_steps: 1\n  sequence_len: 256\n"
                + "  max_steps: 6\n  logging_steps: 1\n  save_steps: 2\n  warmup_steps: 0\n"
                + "output:\n  dir: out\n");
        return config;
    }

    private record Run(int code, String err) {
    }

    /** {@code tunebook train} in a fresh JVM; with {@code signalAfterMs >= 0}, SIGTERM after that long. */
    private Run train(Path config, Path out, long signalAfterMs, List<String> more) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"), "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", config.toString(),
                "--output", out.toString()));
        command.addAll(more);
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(err.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "passive");
        Process p = pb.start();
        if (signalAfterMs >= 0) {
            Thread.sleep(signalAfterMs);
            p.destroy(); // SIGTERM
        }
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tunebook train did not end within 180 s:\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(err));
    }
}
