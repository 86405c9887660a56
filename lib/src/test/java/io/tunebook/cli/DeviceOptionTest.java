package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.tunebook.cli.CliTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --device} and {@code model.device}: the parser, its error lines, and each command that takes it. */
class DeviceOptionTest {
    private static final String LLAMA2 = "src/test/resources/fixtures/llama2";
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String NO_CUDA = "no CUDA device is visible to DJL's PyTorch engine; see the GPU section of"
            + " README.md";

    @TempDir
    Path tmp;

    private static IntSupplier gpus(int n) {
        return () -> n;
    }

    @Test
    void cpuNeverAsksTheEngine() {
        IntSupplier boom = () -> {
            throw new AssertionError("cpu must not count GPUs (that loads the engine)");
        };
        assertEquals(Device.cpu(), DeviceOption.parse("x: --device", "cpu", boom));
    }

    @Test
    void gpuIsTheFirstVisibleGpuAndGpuNPicksOne() {
        assertEquals(Device.gpu(0), DeviceOption.parse("x: --device", "gpu", gpus(1)));
        assertEquals(Device.gpu(0), DeviceOption.parse("x: --device", "gpu:0", gpus(1)));
        assertEquals(Device.gpu(3), DeviceOption.parse("x: --device", "gpu:3", gpus(4)));
    }

    @Test
    void unknownValuesAreUsageErrorsNamingTheChoices() {
        for (String bad : new String[] {"tpu", "GPU", "Cpu", "cuda", "cuda:0", "gpu:", "gpu:-1", "gpu:a", "gpu:0:1",
                "gpu0", " gpu", "", "gpu:99999"}) {
            UsageException e = assertThrows(UsageException.class,
                    () -> DeviceOption.parse("score: --device", bad, gpus(8)), bad);
            assertEquals("score: --device must be cpu, gpu or gpu:N, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void gpuWithoutAVisibleGpuSaysSoOnOneLineAndPointsAtTheReadme() {
        for (String gpu : new String[] {"gpu", "gpu:0", "gpu:1"}) {
            UsageException e = assertThrows(UsageException.class,
                    () -> DeviceOption.parse("generate: --device", gpu, gpus(0)));
            assertEquals("generate: --device " + gpu + ": " + NO_CUDA, e.getMessage());
        }
    }

    @Test
    void aGpuIndexBeyondTheVisibleOnesNamesTheRange() {
        UsageException one = assertThrows(UsageException.class, () -> DeviceOption.parse("w", "gpu:1", gpus(1)));
        assertEquals("w gpu:1: DJL's PyTorch engine sees 1 GPU (gpu:0)", one.getMessage());
        UsageException two = assertThrows(UsageException.class, () -> DeviceOption.parse("w", "gpu:2", gpus(2)));
        assertEquals("w gpu:2: DJL's PyTorch engine sees 2 GPUs (gpu:0 to gpu:1)", two.getMessage());
    }

    @Test
    void theReadmeHasTheGpuSectionTheErrorPointsAt() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("\n## GPU\n"), "README.md has no '## GPU' section");
        for (String name : new String[] {"PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "ai.djl.offline",
                "--device"}) {
            assertTrue(readme.substring(readme.indexOf("\n## GPU\n")).contains(name), name);
        }
    }

    @Test
    void absentMeansTheEnginesDefault() {
        assertEquals(Engine.getInstance().defaultDevice(), DeviceOption.parse("x", null));
    }

    // The commands, through Main: one line on standard error, exit 2.

    private static void assertUsageLine(Outcome o, String line) {
        assertEquals(2, o.code(), o.err());
        assertEquals("tunebook " + line + System.lineSeparator(), o.err());
    }

    @Test
    void everyCommandThatRunsAModelTakesDevice() throws Exception {
        String bad = "--device must be cpu, gpu or gpu:N, got 'tpu'";
        assertUsageLine(CliTest.run("score", LLAMA2, "--ids", "1,2", "--device", "tpu"), "score: " + bad);
        assertUsageLine(CliTest.run("generate", LLAMA2, "--prompt", "x", "--device", "tpu"), "generate: " + bad);
        assertUsageLine(CliTest.run("serve", LLAMA2, "--device=tpu"), "serve: " + bad);
        Path train = tmp.resolve("train.yaml");
        Files.writeString(train, "model:\n  path: " + LLAMA2 + "\n");
        assertUsageLine(CliTest.run("train", train.toString(), "--device", "tpu"), "train: " + bad);
        Path eval = tmp.resolve("eval.yaml");
        Files.writeString(eval, "model:\n  path: " + LLAMA2 + "\n");
        assertUsageLine(CliTest.run("eval", eval.toString(), "--device", "tpu"), "eval: " + bad);
        // Commands that do not run a model do not take it.
        Outcome info = CliTest.run("estimate", "--params", "8B", "--method", "lora", "--device", "cpu");
        assertEquals(2, info.code(), info.err());
        assertTrue(info.err().contains("unknown option --device"), info.err());
    }

    @Test
    void runConfigsNameTheirModelDeviceKey() throws Exception {
        for (String command : new String[] {"train", "eval"}) {
            Path config = tmp.resolve(command + ".yaml");
            Files.writeString(config, "model:\n  path: " + LLAMA2 + "\n  device: tpu\n");
            assertUsageLine(CliTest.run(command, config.toString()),
                    config + ": 'model.device' must be cpu, gpu or gpu:N, got 'tpu'");
            // --device overrides the file's key, so a good flag gets past a bad key.
            Outcome o = CliTest.run(command, config.toString(), "--device", "cpu");
            assertFalse(o.err().contains("model.device"), o.err());
        }
    }

    @Test
    void gpuOnAMachineWhereDjlSeesNoneIsOneLineAndExit2() {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU DJL can see");
        assertUsageLine(CliTest.run("score", LLAMA2, "--ids", "1,2", "--device", "gpu"),
                "score: --device gpu: " + NO_CUDA);
        assertUsageLine(CliTest.run("generate", LLAMA2, "--prompt", "x", "--device", "gpu:0"),
                "generate: --device gpu:0: " + NO_CUDA);
    }

    @Test
    void cpuRunsAndIsRecordedInTheResolvedTrainConfig() throws Exception {
        Outcome score = CliTest.run("score", LLAMA2, "--ids", "1,2,3", "--device", "cpu", "--json");
        assertEquals(0, score.code(), score.err());
        assertTrue(score.out().contains("\"nll_mean\""), score.out());

        Path support = ROOT.resolve("datasets/support-fr");
        Files.write(tmp.resolve("train.jsonl"), Files.readAllLines(support.resolve("train.jsonl")).subList(0, 2));
        Path config = tmp.resolve("run.yaml");
        Files.writeString(config, "model:\n  path: " + ROOT.resolve("models/tiny-base") + "\n  device: gpu\n"
                + "data:\n  train: train.jsonl\n"
                + "lora:\n  r: 2\n  target_modules: [q_proj]\n"
                + "training:\n  micro_batch_size: 1\n  sequence_len: 256\n  save_strategy: 'no'\n"
                + "output:\n  dir: out\n");
        // The flag wins over the file's gpu, on any machine.
        Outcome train = CliTest.run("train", config.toString(), "--max-steps", "1", "--device", "cpu");
        assertEquals(0, train.code(), train.err());
        String resolved = Files.readString(tmp.resolve("out/config.yaml"));
        assertTrue(resolved.contains("device: cpu"), resolved);
        assertFalse(resolved.contains("device: gpu"), resolved);
    }
}
