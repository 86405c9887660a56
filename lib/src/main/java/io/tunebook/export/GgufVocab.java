package io.tunebook.export;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The {@code tokenizer.*} keys of a GGUF file, read from a Hugging Face {@code tokenizer.json} as
 * llama.cpp's converter writes them. Byte-level BPE tokenizers (GPT-2 style: Llama 3, Qwen2/2.5/3,
 * tunebook's tiny-base) become {@code tokenizer.ggml.model = gpt2} with their merges and the name of
 * the pre-tokenizer regex llama.cpp must apply ({@code gpt-2}, {@code llama-bpe}, {@code qwen2});
 * SentencePiece-style BPE with byte fallback (Llama 2, Mistral) becomes {@code llama}, each token
 * scored by minus the rank of the merge that makes it. Token types: special added tokens are
 * control, other added tokens user-defined, {@code <0xNN>} byte tokens bytes, ids the tokenizer
 * lacks below the config's {@code vocab_size} unused {@code [PADn]}.
 */
final class GgufVocab {
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;
    static final int BYTE = 6;

    /** The pre-tokenizer split regexes llama.cpp knows, by the name its vocabulary loader takes. */
    private static final Map<String, String> PRE_BY_REGEX = Map.of(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "llama-bpe",
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "qwen2");

    private GgufVocab() {
    }

    /** What llama.cpp will call the tokenizer: {@code gpt2/gpt-2}, {@code gpt2/qwen2}, {@code llama/default}... */
    record Kind(String model, String pre) {}

    /**
     * Checks that llama.cpp can tokenize as {@code tokenizer} does, before anything is written.
     *
     * @throws IllegalArgumentException naming the file and field that it cannot
     */
    static Kind kind(Tokenizer tokenizer) {
        JsonObject json = tokenizerJson(tokenizer);
        String where = tokenizer.directory().resolve("tokenizer.json").toString();
        JsonObject model = json.getAsJsonObject("model");
        String type = model == null || !model.has("type") ? "?" : model.get("type").getAsString();
        if (!type.equals("BPE")) {
            throw new IllegalArgumentException(where + ": model.type is '" + type
                    + "'; GGUF export supports BPE tokenizers (byte-level or SentencePiece-style with byte fallback)");
        }
        if (model.has("byte_fallback") && model.get("byte_fallback").getAsBoolean()) {
            return new Kind("llama", "default");
        }
        JsonElement pre = json.get("pre_tokenizer");
        if (pre != null && pre.isJsonObject()) {
            JsonObject p = pre.getAsJsonObject();
            String ptype = p.has("type") ? p.get("type").getAsString() : "";
            if (ptype.equals("ByteLevel") && (!p.has("use_regex") || p.get("use_regex").getAsBoolean())) {
                return new Kind("gpt2", "gpt-2");
            }
            if (ptype.equals("Sequence") && p.has("pretokenizers")) {
                JsonArray steps = p.getAsJsonArray("pretokenizers");
                if (steps.size() == 2 && steps.get(1).getAsJsonObject().get("type").getAsString().equals("ByteLevel")
                        && steps.get(0).getAsJsonObject().get("type").getAsString().equals("Split")) {
                    JsonObject pattern = steps.get(0).getAsJsonObject().getAsJsonObject("pattern");
                    String regex = pattern != null && pattern.has("Regex") ? pattern.get("Regex").getAsString() : null;
                    String name = regex == null ? null : PRE_BY_REGEX.get(regex);
                    if (name != null) {
                        return new Kind("gpt2", name);
                    }
                    throw new IllegalArgumentException(where + ": pre_tokenizer splits with the regex " + regex
                            + ", which is not one llama.cpp knows by name (GPT-2, Llama 3, Qwen2 are)");
                }
            }
        }
        throw new IllegalArgumentException(where + ": pre_tokenizer " + pre
                + " is not one llama.cpp can reproduce (byte-level BPE with the GPT-2, Llama 3 or Qwen2 regex,"
                + " or SentencePiece-style BPE with byte fallback)");
    }

    /** Adds the tokenizer keys; {@link #kind} must have accepted the tokenizer. */
    static void write(GgufWriter w, Tokenizer tokenizer, ModelConfig config) {
        Kind kind = kind(tokenizer);
        JsonObject json = tokenizerJson(tokenizer);
        JsonObject model = json.getAsJsonObject("model");
        int size = Math.max(config.vocabSize(), tokenizer.vocabSize());
        Map<Long, Boolean> added = new HashMap<>();   // id -> special
        JsonElement addedTokens = json.get("added_tokens");
        if (addedTokens != null && addedTokens.isJsonArray()) {
            for (JsonElement e : addedTokens.getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                added.put(o.get("id").getAsLong(), o.has("special") && o.get("special").getAsBoolean());
            }
        }
        List<String> merges = merges(model);
        Map<String, Integer> mergeRank = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            mergeRank.putIfAbsent(merges.get(i).replace(" ", ""), i);
        }
        Set<Long> special = tokenizer.specialIds();
        OptionalLong unk = tokenizer.unkId();
        List<String> tokens = new ArrayList<>(size);
        int[] types = new int[size];
        float[] scores = new float[size];
        for (int i = 0; i < size; i++) {
            String text = i < tokenizer.vocabSize() ? safeText(tokenizer, i) : null;
            if (text == null) {
                tokens.add("[PAD" + i + "]");
                types[i] = UNUSED;
                continue;
            }
            tokens.add(text);
            if (unk.isPresent() && unk.getAsLong() == i) {
                types[i] = UNKNOWN;
            } else if (added.containsKey((long) i)) {
                types[i] = added.get((long) i) || special.contains((long) i) ? CONTROL : USER_DEFINED;
            } else if (kind.model().equals("llama") && text.matches("<0x[0-9A-Fa-f]{2}>")) {
                types[i] = BYTE;
            } else {
                types[i] = NORMAL;
            }
            Integer rank = mergeRank.get(text);
            scores[i] = rank == null ? 0f : -(rank + 1f);
        }
        w.putString("tokenizer.ggml.model", kind.model());
        w.putString("tokenizer.ggml.pre", kind.pre());
        w.putStrings("tokenizer.ggml.tokens", tokens);
        if (kind.model().equals("llama")) {
            w.putFloat32s("tokenizer.ggml.scores", scores);
        }
        w.putInt32s("tokenizer.ggml.token_type", types);
        if (kind.model().equals("gpt2")) {
            w.putStrings("tokenizer.ggml.merges", merges);
        }
        OptionalLong bos = tokenizer.bosId();
        if (bos.isEmpty() && config.bosTokenId().isPresent()) {
            bos = OptionalLong.of(config.bosTokenId().getAsInt());
        }
        OptionalLong eos = tokenizer.eosId();
        if (eos.isEmpty() && !config.eosTokenIds().isEmpty()) {
            eos = OptionalLong.of(config.eosTokenIds().get(0));
        }
        bos.ifPresent(id -> w.putUint32("tokenizer.ggml.bos_token_id", id));
        eos.ifPresent(id -> w.putUint32("tokenizer.ggml.eos_token_id", id));
        unk.ifPresent(id -> w.putUint32("tokenizer.ggml.unknown_token_id", id));
        tokenizer.padId().ifPresent(id -> w.putUint32("tokenizer.ggml.padding_token_id", id));
        // What the tokenizer itself adds around a text (its post-processor), as llama.cpp must.
        long[] plain = tokenizer.encode("a", false);
        long[] full = tokenizer.encode("a", true);
        boolean addBos = full.length > plain.length && bos.isPresent() && full[0] == bos.getAsLong();
        boolean addEos = full.length > plain.length && eos.isPresent() && full[full.length - 1] == eos.getAsLong();
        w.putBool("tokenizer.ggml.add_bos_token", addBos);
        w.putBool("tokenizer.ggml.add_eos_token", addEos);
        tokenizer.chatTemplate().ifPresent(t -> w.putString("tokenizer.chat_template", t));
        List<String> named = new ArrayList<>();
        tokenizer.chatTemplates().forEach((name, source) -> {
            if (!name.equals("default") && tokenizer.chatTemplates().size() > 1) {
                w.putString("tokenizer.chat_template." + name, source);
                named.add(name);
            }
        });
        if (!named.isEmpty()) {
            w.putStrings("tokenizer.chat_templates", named);
        }
    }

    private static String safeText(Tokenizer tokenizer, long id) {
        try {
            return tokenizer.tokenText(id);
        } catch (IllegalArgumentException missing) {
            return null;
        }
    }

    /** Merges as "left right" strings, whether tokenizer.json writes them so or as pairs. */
    private static List<String> merges(JsonObject model) {
        List<String> out = new ArrayList<>();
        JsonElement m = model.get("merges");
        if (m == null || !m.isJsonArray()) {
            return out;
        }
        for (JsonElement e : m.getAsJsonArray()) {
            if (e.isJsonArray()) {
                out.add(e.getAsJsonArray().get(0).getAsString() + " " + e.getAsJsonArray().get(1).getAsString());
            } else {
                out.add(e.getAsString());
            }
        }
        return out;
    }

    private static JsonObject tokenizerJson(Tokenizer tokenizer) {
        byte[] bytes = tokenizer.file("tokenizer.json").orElseThrow(() -> new IllegalArgumentException(
                tokenizer.directory() + ": tokenizer.json is missing"));
        return JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
    }
}
