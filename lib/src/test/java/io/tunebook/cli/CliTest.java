package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final String LLAMA2 = "src/test/resources/fixtures/llama2";

    @TempDir
    Path tmp;

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... argv) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(argv);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void infoReportsTheModel() {
        Outcome o = run("info", LLAMA2, "--json");
        assertEquals(0, o.code(), o.err());
        JsonObject j = JsonParser.parseString(o.out()).getAsJsonObject();
        assertEquals("LlamaForCausalLM", j.get("architecture").getAsString());
        assertEquals(2, j.get("layers").getAsInt());
        assertEquals("float32", j.get("dtype").getAsString());
        assertTrue(j.get("parameters").getAsLong() > 0);
        for (String k : new String[] {"hidden_size", "vocab_size"}) {
            assertTrue(j.has(k), k);
        }
    }

    @Test
    void scoreGivesNextTokenLogProbsOfTheReferenceLogits() throws Exception {
        JsonObject ref = JsonParser.parseString(Files.readString(Path.of(LLAMA2, "reference.json"))).getAsJsonObject();
        JsonArray ids = ref.getAsJsonArray("input_ids").get(0).getAsJsonArray();
        JsonArray logits = ref.getAsJsonArray("logits").get(0).getAsJsonArray();
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            csv.append(i == 0 ? "" : ",").append(ids.get(i).getAsLong());
        }
        Outcome o = run("score", LLAMA2, "--ids", csv.toString(), "--json");
        assertEquals(0, o.code(), o.err());
        JsonObject j = JsonParser.parseString(o.out()).getAsJsonObject();
        JsonArray logprobs = j.getAsJsonArray("logprobs");
        assertEquals(ids.size() - 1, logprobs.size());
        double sum = 0;
        for (int t = 0; t < logprobs.size(); t++) {
            JsonArray row = logits.get(t).getAsJsonArray();
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < row.size(); v++) {
                max = Math.max(max, row.get(v).getAsDouble());
            }
            double z = 0;
            for (int v = 0; v < row.size(); v++) {
                z += Math.exp(row.get(v).getAsDouble() - max);
            }
            double expected = row.get(ids.get(t + 1).getAsInt()).getAsDouble() - max - Math.log(z);
            assertEquals(expected, logprobs.get(t).getAsDouble(), 2e-4, "logprob " + t);
            sum += logprobs.get(t).getAsDouble();
        }
        assertEquals(-sum / logprobs.size(), j.get("nll_mean").getAsDouble(), 1e-5);
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        Outcome unknownFlag = run("info", LLAMA2, "--frobnicate");
        assertEquals(2, unknownFlag.code());
        assertTrue(unknownFlag.err().contains("--frobnicate"), unknownFlag.err());
        assertEquals(1, unknownFlag.err().strip().lines().count());

        Outcome missingDir = run("score", "no/such/model", "--ids", "1,2");
        assertEquals(2, missingDir.code());
        assertTrue(missingDir.err().contains("no/such/model"), missingDir.err());

        assertEquals(2, run("frobnicate").code());
        assertEquals(2, run("score", LLAMA2).code());
        assertEquals(2, run("score", LLAMA2, "--ids", "1,x").code());
        assertEquals(2, run("score", LLAMA2, "--ids", "1,99999").code());
        assertEquals(2, run("generate", LLAMA2, "--prompt", "x", "--top-p", "0").code());
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String c : new String[] {"info", "score", "generate", "train", "bench"}) {
            Outcome o = run(c, "--help");
            assertEquals(0, o.code(), c);
            assertTrue(o.out().startsWith("usage: tunebook " + c), o.out());
        }
        assertEquals(0, run("--help").code());
    }

    @Test
    void trainConfigRejectsUnknownKeysByPath() throws Exception {
        Path config = tmp.resolve("bad.yaml");
        Files.writeString(config, "model:\n  init_config: x.json\n  tokenizer: .\ndata:\n  text: corpus.txt\n"
                + "training:\n  max_steps: 3\n  learning_rat: 0.1\n");
        Outcome o = run("train", config.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("training.learning_rat"), o.err());
    }

    @Test
    void generateWithoutTokenizerSaysSo() {
        Outcome o = run("generate", LLAMA2, "--prompt", "hello");
        assertEquals(1, o.code());
        assertTrue(o.err().contains("tokenizer.json"), o.err());
    }
}
