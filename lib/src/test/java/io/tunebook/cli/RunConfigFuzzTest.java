package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.Mutations;
import io.tunebook.cli.CliTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated YAML run configs ({@code examples/}, with a model path that does not exist so that a config
 * that stays valid stops at the model): {@code tunebook train} and {@code eval} answer each with exit 1
 * or 2 and one line naming the problem, never a Java exception's name or a stack trace.
 */
class RunConfigFuzzTest {
    @TempDir
    Path dir;

    @Test
    void mutatedRunConfigsAreRefusedWithOneLine() throws IOException {
        Mutations m = new Mutations(42);
        int cases = Mutations.cases(300);
        Map<Integer, Integer> codes = new TreeMap<>();
        List<String> seeds = List.of("quickstart-lora.yaml", "quickstart-qlora.yaml", "eval-support.yaml");
        for (int i = 0; i < cases; i++) {
            String name = seeds.get(i % seeds.size());
            String seed = Files.readString(Path.of("../examples", name)).replace("../models/tiny-base", "no-such-model")
                    .replace("../datasets/", Path.of("../datasets").toAbsolutePath().normalize() + "/");
            String yaml = m.mutate(seed);
            Path config = dir.resolve("run.yaml");
            Files.writeString(config, yaml);
            String command = name.startsWith("eval") ? "eval" : "train";
            Outcome o = CliTest.run(command, config.toString(), "--output", dir.resolve("out-" + i).toString());
            codes.merge(o.code(), 1, Integer::sum);
            String err = o.err().strip();
            String last = err.isEmpty() ? "" : err.lines().reduce((a, b) -> b).orElse("");
            assertTrue(o.code() == 1 || o.code() == 2, "case " + i + " exited " + o.code() + ": " + err + "\n" + yaml);
            assertTrue(last.startsWith("tunebook "), "case " + i + ": " + err + "\n" + yaml);
            assertTrue(!err.contains("java.lang.") && !err.contains("\tat "), "case " + i + ": " + err + "\n" + yaml);
        }
        System.err.println("RunConfigFuzzTest: " + cases + " mutated run configs, exit codes " + codes);
    }
}
