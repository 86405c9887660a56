package io.tunebook.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tunebook.data.ChatTemplate;
import io.tunebook.data.Message;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Tensors;
import io.tunebook.model.Generator;
import io.tunebook.model.safetensors.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that GGUF exports are right: llama.cpp itself (node-llama-cpp 3.21.1, its prebuilt CPU
 * binaries) loads every file written from {@code models/tiny-base}, alone and with the quickstart's
 * adapter merged in ({@link QuickstartAdapter}: its recipe, a few steps of it), and must tokenize,
 * decode and render chat as tunebook does. Figures go to
 * {@code target/llama-cpp-export.txt}.
 */
class LlamaCppExportTest {
    static final Path TINY = Path.of("../models/tiny-base");
    static final String PROMPT = "Bonjour, je n'ai toujours pas reçu ma commande, que faire ?";
    static final String TEXT = "La livraison de votre commande";
    static final int STEPS = 32;
    /** The first tokens a 4-bit file must decode as tunebook does, unless they are a close call. */
    static final int FIRST = 8;
    /** A close call: tunebook's two most probable tokens within this many nats (twice the largest 4-bit gap measured). */
    static final float CLOSE_CALL = 0.5f;

    @TempDir
    Path tmp;

    private final List<String> report = new ArrayList<>();

    @Test
    void llamaCppRunsEveryExportAsTunebookDoes() throws Exception {
        LlamaCpp llama = NodeLlama.get();
        try (CausalLM base = CausalLM.load(TINY)) {
            check(llama, base, "tiny-base");
        }
        Path adapter = QuickstartAdapter.train(tmp.resolve("run"), 12);
        try (CausalLM model = CausalLM.load(TINY);
                LoraModel lora = LoraModel.load(model, adapter)) {
            CausalLM merged = lora.mergeAndUnload();
            check(llama, merged, "tiny-base+adapter");
        }
        Files.writeString(Path.of("target/llama-cpp-export.txt"), String.join("\n", report) + "\n");
    }

    private void line(String text) {
        report.add(text);
        System.out.println(text);
    }

    private void check(LlamaCpp llama, CausalLM model, String label) throws Exception {
        long[] promptIds = model.tokenizer().encode(TEXT, true);
        GenerationSettings greedy = GenerationSettings.builder().maxNewTokens(STEPS).temperature(0)
                .eosTokenIds(List.of()).build();

        Reference full = reference(model, promptIds, greedy);
        for (GgufFileType type : GgufFileType.values()) {
            long started = System.nanoTime();
            Path file = tmp.resolve(label + "-" + type.cliName() + ".gguf");
            GgufExport.write(model, type, label, file);
            // tunebook's reference: the same weights as the file holds (16-bit files: the model rounded to 16 bits).
            Reference ref = type == GgufFileType.F16 || type == GgufFileType.BF16
                    ? reference(model, label, type == GgufFileType.F16 ? Dtype.F16 : Dtype.BF16, promptIds, greedy)
                    : full;
            long[] expected = ref.ids();
            float[] expectedLogprobs = ref.logprobs();
            JsonObject request = LlamaCpp.scoreRequest(file, promptIds, expected);
            if (type == GgufFileType.F32) {
                JsonArray texts = new JsonArray();
                texts.add(PROMPT);
                texts.add(TEXT);
                request.add("tokenize", texts);
                JsonObject chat = new JsonObject();
                chat.add("messages", LlamaCpp.messages(List.of(new String[] {"system", "Tu es le service client."},
                        new String[] {"user", PROMPT}, new String[] {"assistant", "Je regarde votre commande."},
                        new String[] {"user", "Merci !"})));
                request.add("chat", chat);
            }
            JsonObject answer = llama.run(request);
            assertEquals(GgufExport.architectureName(model.config().architecture()), answer.get("architecture").getAsString());
            assertEquals(type.id(), answer.get("file_type").getAsInt());

            // Teacher-forced on tunebook's greedy tokens: llama.cpp's most probable token at each step. Where
            // they all agree, llama.cpp's own greedy decoding gives the same tokens; the first disagreement
            // is where its free-running decoding would leave tunebook's.
            JsonObject score = answer.getAsJsonObject("score");
            long[] top = LlamaCpp.ids(score.getAsJsonArray("top"));
            JsonArray lp = score.getAsJsonArray("logprobs");
            int agree = 0;
            double gap = 0;
            double maxGap = 0;
            for (int i = 0; i < STEPS; i++) {
                agree += top[i] == expected[i] ? 1 : 0;
                double d = Math.abs(lp.get(i).getAsDouble() - expectedLogprobs[i]);
                gap += d;
                maxGap = Math.max(maxGap, d);
            }
            int prefix = 0;
            while (prefix < STEPS && top[prefix] == expected[prefix]) {
                prefix++;
            }
            long took = System.nanoTime() - started;
            line(String.format(Locale.ROOT, "%-18s %-6s %,10d bytes  greedy equal for %2d/%d tokens%s,"
                    + " teacher-forced top-1 agreement %5.1f%%, |logprob gap| mean %.5f max %.5f (%.1f s)",
                    label, type.cliName(), Files.size(file), prefix, STEPS, prefix == STEPS ? ""
                            : String.format(Locale.ROOT, " (tunebook's top-2 margin there %.3f)", ref.margins()[prefix]),
                    100.0 * agree / STEPS, gap / STEPS, maxGap, took / 1e9));
            switch (type) {
                case F32 -> {
                    assertArrayEquals(expected, top, label + " f32: greedy continuation");
                    assertTrue(maxGap < 1e-4, label + " f32: log-probabilities differ by " + maxGap);
                }
                // llama.cpp rounds activations to the weights' 16-bit type in its matrix products: same tokens, close log-probs.
                case F16, BF16 -> {
                    assertArrayEquals(expected, top, label + " " + type + ": greedy continuation");
                    assertTrue(maxGap < 0.05, label + " " + type + ": log-probabilities differ by " + maxGap);
                }
                case Q8_0 -> assertTrue(agree >= 0.9 * STEPS, label + " q8_0: top-1 agreement " + agree + "/" + STEPS);
                case Q4_0, Q4_K_M -> {
                    // 4 bits move log-probabilities by a few hundredths (measured, see the report): the first
                    // tokens must agree wherever tunebook's top two are further apart than that.
                    float[] margins = ref.margins();
                    for (int i = 0; i < FIRST; i++) {
                        assertTrue(top[i] == expected[i] || margins[i] < CLOSE_CALL, label + " " + type + ": token " + i
                                + " differs although tunebook's margin is " + margins[i] + ": " + Arrays.toString(top));
                    }
                    assertTrue(agree >= 0.8 * STEPS, label + " " + type + ": top-1 agreement " + agree + "/" + STEPS);
                    assertTrue(gap / STEPS < 0.1, label + " " + type + ": mean log-prob gap " + gap / STEPS);
                }
                default -> throw new IllegalStateException();
            }
            if (type == GgufFileType.F32) {
                JsonArray tok = answer.getAsJsonArray("tokenize");
                assertArrayEquals(model.tokenizer().encode(PROMPT, false), LlamaCpp.ids(tok.get(0).getAsJsonArray()),
                        "llama.cpp's tokenization of the French prompt");
                assertArrayEquals(model.tokenizer().encode(TEXT, false), LlamaCpp.ids(tok.get(1).getAsJsonArray()));
                assertEquals(promptIds[0] == model.tokenizer().bosId().orElse(-1),
                        answer.get("should_prepend_bos").getAsBoolean(), "add_bos_token");
                String tunebook = ChatTemplate.of("tiny-base", model.tokenizer().chatTemplate().orElseThrow())
                        .render(List.of(Message.system("Tu es le service client."), Message.user(PROMPT),
                                Message.assistant("Je regarde votre commande."), Message.user("Merci !")),
                                true, model.tokenizer().specialTokens());
                assertEquals(tunebook, answer.get("chat").getAsString(), "chat template rendered by llama.cpp");
                line(label + " tokenization of \"" + PROMPT + "\": " + Arrays.toString(
                        model.tokenizer().encode(PROMPT, false)) + " (same in llama.cpp); chat template renders the same");
            }
        }
    }

    /** tunebook's greedy continuation, its log-probabilities and its top-two margins. */
    record Reference(long[] ids, float[] logprobs, float[] margins) {}

    private static Reference reference(CausalLM model, long[] promptIds, GenerationSettings greedy) {
        long[] ids = greedyIds(model, promptIds, greedy);
        return new Reference(ids, continuationLogprobs(model, promptIds, ids), topTwoMargins(model, promptIds, ids));
    }

    private Reference reference(CausalLM model, String label, Dtype dtype, long[] promptIds, GenerationSettings greedy) {
        Path hf = tmp.resolve(label + "-" + dtype);
        model.save(hf, dtype);
        try (CausalLM rounded = CausalLM.load(hf)) {
            return reference(rounded, promptIds, greedy);
        }
    }

    private static long[] greedyIds(CausalLM model, long[] promptIds, GenerationSettings greedy) {
        return Generator.of(model).generateIds(List.of(promptIds), greedy, null).get(0).ids();
    }

    /** At each continuation step, tunebook's log-probability of its most probable token minus the second's. */
    private static float[] topTwoMargins(CausalLM model, long[] promptIds, long[] continuation) {
        long[] all = LongStream.concat(Arrays.stream(promptIds), Arrays.stream(continuation)).toArray();
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray input = Tensors.of(scratch, all, new Shape(1, all.length));
            NDArray logits = model.transformer().forward(input, null, null, null).get(0);
            int vocab = (int) logits.getShape().get(1);
            float[] flat = logits.toFloatArray();
            float[] out = new float[continuation.length];
            for (int i = 0; i < continuation.length; i++) {
                int row = (promptIds.length - 1 + i) * vocab;
                float first = Float.NEGATIVE_INFINITY;
                float second = Float.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) {
                    float x = flat[row + v];
                    if (x > first) {
                        second = first;
                        first = x;
                    } else if (x > second) {
                        second = x;
                    }
                }
                out[i] = first - second; // a difference of logits is one of log-probabilities
            }
            return out;
        }
    }

    private static float[] continuationLogprobs(CausalLM model, long[] promptIds, long[] continuation) {
        long[] all = LongStream.concat(Arrays.stream(promptIds), Arrays.stream(continuation)).toArray();
        float[] lp = model.tokenLogProbs(all);
        return Arrays.copyOfRange(lp, promptIds.length - 1, lp.length);
    }
}
