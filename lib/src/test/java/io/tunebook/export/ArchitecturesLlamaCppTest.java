package io.tunebook.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.ModelConfig;
import io.tunebook.tinybase.ByteLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every architecture tunebook loads, through llama.cpp: the logit-parity fixtures (random weights,
 * see {@code fixtures/README.md}) exported to f32 GGUF must give, token by token, the log-probabilities
 * tunebook gives. Llama 2 (untied head), Llama 3.1 (llama3 rope scaling as {@code rope_freqs}, tied,
 * bf16), Mistral, Qwen2 (q/k/v biases), Qwen3 (q/k norms, head_dim ≠ hidden / heads). The fixtures
 * have no tokenizer, so each gets a byte-level one of its vocabulary size (ids are what is compared).
 * Mistral's fixture has a 4-token sliding window, which llama.cpp's llama architecture does not
 * apply: it is compared without it (and the export says so, see {@link GgufExport#notes}).
 */
class ArchitecturesLlamaCppTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final int STEPS = 8;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"llama2", "llama3", "mistral", "qwen2", "qwen3"})
    void llamaCppGivesTunebooksLogProbabilities(String fixture) throws Exception {
        Path dir = withTokenizer(tmp, fixture);
        LlamaCpp llama = NodeLlama.get();
        try (CausalLM model = CausalLM.load(dir)) {
            JsonObject ref = JsonParser.parseString(Files.readString(FIXTURES.resolve(fixture).resolve("reference.json")))
                    .getAsJsonObject();
            JsonArray row = ref.getAsJsonArray("input_ids").get(0).getAsJsonArray();
            long[] prompt = LongStream.range(0, Math.min(6, row.size())).map(i -> row.get((int) i).getAsLong()).toArray();
            long[] continuation = Generator.of(model).generateIds(List.of(prompt), GenerationSettings.builder()
                    .maxNewTokens(STEPS).temperature(0).eosTokenIds(List.of()).build(), null).get(0).ids();
            long[] all = LongStream.concat(Arrays.stream(prompt), Arrays.stream(continuation)).toArray();
            float[] lp = model.tokenLogProbs(all);

            Path file = tmp.resolve(fixture + ".gguf");
            GgufExport.write(model, GgufFileType.F32, fixture, file);
            JsonObject answer = llama.run(LlamaCpp.scoreRequest(file, prompt, continuation));
            assertEquals(GgufExport.architectureName(model.config().architecture()), answer.get("architecture").getAsString());
            JsonArray got = answer.getAsJsonObject("score").getAsJsonArray("logprobs");
            double max = 0;
            for (int i = 0; i < STEPS; i++) {
                max = Math.max(max, Math.abs(got.get(i).getAsDouble() - lp[prompt.length - 1 + i]));
            }
            System.out.printf(Locale.ROOT, "%-8s f32: llama.cpp's log-probabilities of tunebook's %d greedy tokens within %.2e%n",
                    fixture, STEPS, max);
            assertTrue(max < 1e-4, fixture + ": llama.cpp's log-probabilities differ from tunebook's by " + max);
            assertArrayEquals(continuation, LlamaCpp.ids(answer.getAsJsonObject("score").getAsJsonArray("top")),
                    fixture + ": llama.cpp's most probable tokens");
        }
    }

    /** A copy of the fixture with a byte-level tokenizer of its vocabulary size (and Mistral without its window). */
    static Path withTokenizer(Path tmp, String fixture) throws IOException {
        Path dir = tmp.resolve(fixture);
        Files.createDirectories(dir);
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(FIXTURES.resolve(fixture).resolve(f), dir.resolve(f));
        }
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        config.remove("sliding_window");
        Files.writeString(dir.resolve("config.json"), config.toString());
        int vocab = ModelConfig.read(dir.resolve("config.json")).vocabSize();
        JsonObject tokens = new JsonObject();
        for (int i = 0; i < vocab; i++) {
            tokens.addProperty(String.valueOf(ByteLevel.byteToChar(i + 32)), i);
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("vocab", tokens);
        model.add("merges", new JsonArray());
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "ByteLevel");
        pre.addProperty("add_prefix_space", false);
        pre.addProperty("trim_offsets", true);
        pre.addProperty("use_regex", true);
        JsonObject json = new JsonObject();
        json.addProperty("version", "1.0");
        json.add("added_tokens", new JsonArray());
        json.add("pre_tokenizer", pre);
        json.add("decoder", pre);
        json.add("model", model);
        Files.writeString(dir.resolve("tokenizer.json"), json.toString());
        return dir;
    }
}
