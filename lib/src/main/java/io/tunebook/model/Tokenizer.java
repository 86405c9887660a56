package io.tunebook.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.tunebook.data.EncodedText;
import io.tunebook.data.TextEncoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The tokenizer of a Hugging Face model directory: {@code tokenizer.json} run by the Rust
 * {@code tokenizers} library (through DJL), with the settings of {@code tokenizer_config.json}.
 *
 * <p>Semantics follow {@code transformers}' fast tokenizers:
 * <ul>
 * <li>{@link #encode encode(text, true)} adds what the {@code post_processor} of {@code tokenizer.json}
 * adds (a Llama-style model: BOS in front; a Qwen2-style one: nothing). {@code add_bos_token} in
 * {@code tokenizer_config.json} is informative only, as for {@code PreTrainedTokenizerFast}.
 * Special tokens written in the text ({@code <|im_start|>} in a rendered chat template) are always
 * recognised as single tokens.</li>
 * <li>No truncation and no padding: every id of the text comes back (DJL would otherwise cut at 512).</li>
 * <li>{@link #vocabSize()} is {@code len(tokenizer)}: the model vocabulary plus added tokens, i.e. one
 * more than the largest id.</li>
 * <li>{@code bos_token}, {@code eos_token}, {@code pad_token}, {@code unk_token} come from
 * {@code tokenizer_config.json}, else {@code special_tokens_map.json}; each may be a string or an
 * AddedToken object {@code {"content": ...}}.</li>
 * <li>{@code chat_template} may be a string, or a list of {@code {name, template}} (the one named
 * {@code default} is {@link #chatTemplate()}); a {@code chat_template.jinja} file or a
 * {@code chat_template.json} beside them is read when the config has none (newer transformers).</li>
 * </ul>
 * Thread-safe for encoding and decoding. Close it to free the native tokenizer.
 */
public final class Tokenizer implements AutoCloseable, TextEncoder {
    /** Files {@link #load} reads and {@link #saveTo} writes back, when present. */
    public static final String[] FILES = {
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja",
        "chat_template.json"
    };

    private final Path directory;
    private final HuggingFaceTokenizer native_;
    private final Map<String, byte[]> files;
    private final Map<String, Long> vocab;
    private final Map<Long, String> byId;
    private final Set<Long> specialIds;
    private final OptionalLong bos;
    private final OptionalLong eos;
    private final OptionalLong pad;
    private final OptionalLong unk;
    private final Map<String, String> chatTemplates;
    private final Map<String, String> specialTokens;
    private final int vocabSize;
    private final OptionalLong modelMaxLength;

    private Tokenizer(Path directory, HuggingFaceTokenizer nativeTokenizer, Map<String, byte[]> files,
            Map<String, Long> vocab, Set<Long> specialIds, Map<String, String> specialTokens,
            Map<String, String> chatTemplates, OptionalLong modelMaxLength) {
        this.directory = directory;
        this.native_ = nativeTokenizer;
        this.files = files;
        this.vocab = vocab;
        this.byId = new HashMap<>();
        long max = -1;
        for (Map.Entry<String, Long> e : vocab.entrySet()) {
            byId.put(e.getValue(), e.getKey());
            max = Math.max(max, e.getValue());
        }
        this.vocabSize = (int) (max + 1);
        this.bos = idOf(specialTokens.get("bos_token"));
        this.eos = idOf(specialTokens.get("eos_token"));
        this.pad = idOf(specialTokens.get("pad_token"));
        this.unk = idOf(specialTokens.get("unk_token"));
        Set<Long> special = new TreeSet<>(specialIds);
        for (OptionalLong id : new OptionalLong[] {bos, eos, pad, unk}) {
            id.ifPresent(special::add);
        }
        this.specialIds = Collections.unmodifiableSet(special);
        Map<String, String> present = new TreeMap<>();
        specialTokens.forEach((name, text) -> {
            if (vocab.containsKey(text)) {
                present.put(name, text);
            }
        });
        this.specialTokens = Collections.unmodifiableMap(present);
        this.chatTemplates = Collections.unmodifiableMap(chatTemplates);
        this.modelMaxLength = modelMaxLength;
    }

    private OptionalLong idOf(String token) {
        if (token == null) {
            return OptionalLong.empty();
        }
        Long id = vocab.get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /**
     * Loads {@code tokenizer.json} (required) and {@code tokenizer_config.json},
     * {@code special_tokens_map.json}, {@code chat_template.jinja} (optional) from a directory.
     *
     * @throws ModelException naming the file (and field) that is missing or malformed
     */
    public static Tokenizer load(Path modelDir) {
        Path tokenizerJson = modelDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelException(Files.isDirectory(modelDir)
                    ? modelDir + ": tokenizer.json is missing (a Hugging Face fast tokenizer file is required)"
                    : "tokenizer directory " + modelDir + " does not exist");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : FILES) {
            Path p = modelDir.resolve(name);
            if (Files.isRegularFile(p)) {
                try {
                    files.put(name, Files.readAllBytes(p));
                } catch (IOException e) {
                    throw new ModelException("cannot read " + p + ": " + e.getMessage(), e);
                }
            }
        }

        JsonObject tok = parseObject(modelDir, "tokenizer.json", files.get("tokenizer.json"));
        Map<String, Long> vocab = new HashMap<>();
        JsonObject model = objectField(modelDir, "tokenizer.json", tok, "model");
        JsonElement v = model.get("vocab");
        if (v != null && v.isJsonObject()) {                  // BPE, WordPiece, WordLevel
            for (Map.Entry<String, JsonElement> e : v.getAsJsonObject().entrySet()) {
                vocab.put(e.getKey(), e.getValue().getAsLong());
            }
        } else if (v != null && v.isJsonArray()) {            // Unigram: [[piece, score], ...], id = index
            JsonArray list = v.getAsJsonArray();
            for (int i = 0; i < list.size(); i++) {
                vocab.put(list.get(i).getAsJsonArray().get(0).getAsString(), (long) i);
            }
        } else {
            throw new ModelException(modelDir.resolve("tokenizer.json") + ": model.vocab is missing");
        }
        Set<Long> specialIds = new TreeSet<>();
        JsonElement added = tok.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            for (JsonElement t : added.getAsJsonArray()) {
                JsonObject o = t.getAsJsonObject();
                long id = o.get("id").getAsLong();
                vocab.put(o.get("content").getAsString(), id);
                if (o.has("special") && o.get("special").getAsBoolean()) {
                    specialIds.add(id);
                }
            }
        }

        Map<String, String> specialTokens = new HashMap<>();
        Map<String, String> chatTemplates = new LinkedHashMap<>();
        OptionalLong maxLength = OptionalLong.empty();
        String[] keys = {"bos_token", "eos_token", "pad_token", "unk_token"};
        if (files.containsKey("tokenizer_config.json")) {
            JsonObject cfg = parseObject(modelDir, "tokenizer_config.json", files.get("tokenizer_config.json"));
            for (String k : keys) {
                String t = tokenContent(modelDir, "tokenizer_config.json", cfg, k);
                if (t != null) {
                    specialTokens.put(k, t);
                }
            }
            JsonElement tpl = cfg.get("chat_template");
            if (tpl != null && !tpl.isJsonNull()) {
                readChatTemplates(modelDir, "tokenizer_config.json", tpl, chatTemplates);
            }
            JsonElement ml = cfg.get("model_max_length");
            if (ml != null && ml.isJsonPrimitive() && ml.getAsJsonPrimitive().isNumber()) {
                double d = ml.getAsDouble();
                if (d > 0 && d < 1e15) {                       // transformers writes 1e30 for "no limit"
                    maxLength = OptionalLong.of((long) d);
                }
            }
        }
        if (files.containsKey("special_tokens_map.json")) {
            JsonObject map = parseObject(modelDir, "special_tokens_map.json", files.get("special_tokens_map.json"));
            for (String k : keys) {
                String t = tokenContent(modelDir, "special_tokens_map.json", map, k);
                if (t != null) {
                    specialTokens.putIfAbsent(k, t);
                }
            }
        }
        if (chatTemplates.isEmpty() && files.containsKey("chat_template.jinja")) {
            chatTemplates.put("default", new String(files.get("chat_template.jinja"), StandardCharsets.UTF_8));
        }
        if (chatTemplates.isEmpty() && files.containsKey("chat_template.json")) {
            JsonObject o = parseObject(modelDir, "chat_template.json", files.get("chat_template.json"));
            JsonElement tpl = o.get("chat_template");
            if (tpl != null && !tpl.isJsonNull()) {
                readChatTemplates(modelDir, "chat_template.json", tpl, chatTemplates);
            }
        }

        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("truncation", "false");
        options.put("padding", "false");
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(files.get("tokenizer.json")), options);
        } catch (IOException | RuntimeException e) {
            throw new ModelException(tokenizerJson + ": the tokenizers library rejected it: " + e.getMessage(), e);
        }
        return new Tokenizer(modelDir, hf, files, vocab, specialIds, specialTokens, chatTemplates, maxLength);
    }

    private static JsonObject parseObject(Path dir, String name, byte[] bytes) {
        try {
            JsonElement e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new ModelException(dir.resolve(name) + ": expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ModelException(dir.resolve(name) + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    private static JsonObject objectField(Path dir, String name, JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonObject()) {
            throw new ModelException(dir.resolve(name) + ": field '" + field + "' is missing or not an object");
        }
        return e.getAsJsonObject();
    }

    /** A special token given as a string or as an AddedToken object {"content": ...}; null when absent. */
    private static String tokenContent(Path dir, String name, JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive()) {
            return e.getAsString();
        }
        if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
            return e.getAsJsonObject().get("content").getAsString();
        }
        throw new ModelException(dir.resolve(name) + ": field '" + field
                + "' must be a string or an object with \"content\"");
    }

    private static void readChatTemplates(Path dir, String name, JsonElement tpl, Map<String, String> out) {
        if (tpl.isJsonPrimitive()) {
            out.put("default", tpl.getAsString());
            return;
        }
        if (tpl.isJsonArray()) {
            for (JsonElement item : tpl.getAsJsonArray()) {
                if (!item.isJsonObject() || !item.getAsJsonObject().has("name")
                        || !item.getAsJsonObject().has("template")) {
                    throw new ModelException(dir.resolve(name)
                            + ": each entry of 'chat_template' must be an object with \"name\" and \"template\"");
                }
                out.put(item.getAsJsonObject().get("name").getAsString(),
                        item.getAsJsonObject().get("template").getAsString());
            }
            return;
        }
        throw new ModelException(dir.resolve(name) + ": field 'chat_template' must be a string or a list");
    }

    /**
     * Token ids of {@code text}. With {@code addSpecialTokens}, the ids the post-processor adds (BOS for
     * Llama-style tokenizers) are included, as {@code tokenizer(text)} does in transformers.
     */
    public long[] encode(String text, boolean addSpecialTokens) {
        return native_.encode(text, addSpecialTokens, false).getIds();
    }

    /**
     * Ids of {@code text} without added special tokens, with each token's span in {@code char}
     * indices (the tokenizers library counts code points; they differ past a character outside
     * the Basic Multilingual Plane, an emoji).
     */
    @Override
    public EncodedText encodeWithOffsets(String text) {
        Encoding e = native_.encode(text, false, false);
        CharSpan[] spans = e.getCharTokenSpans();
        int[] charAt = new int[text.codePointCount(0, text.length()) + 1];
        for (int cp = 0, i = 0; cp < charAt.length; cp++) {
            charAt[cp] = i;
            if (i < text.length()) {
                i += Character.charCount(text.codePointAt(i));
            }
        }
        long[] ids = e.getIds();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        int last = 0;
        for (int t = 0; t < ids.length; t++) {
            if (spans[t] != null) {
                starts[t] = charAt[Math.min(spans[t].getStart(), charAt.length - 1)];
                ends[t] = charAt[Math.min(spans[t].getEnd(), charAt.length - 1)];
                last = ends[t];
            } else {
                starts[t] = last;
                ends[t] = last;
            }
        }
        return new EncodedText(ids, starts, ends);
    }

    /** {@code bos_token}, {@code eos_token}, {@code pad_token}, {@code unk_token} by name, those in the vocabulary. */
    @Override
    public Map<String, String> specialTokens() {
        return specialTokens;
    }

    /** Token strings of {@code text} as the model vocabulary writes them (e.g. "Ġbonjour" for byte-level BPE). */
    public String[] tokens(String text, boolean addSpecialTokens) {
        return native_.encode(text, addSpecialTokens, false).getTokens();
    }

    /** Text of {@code ids}; with {@code skipSpecialTokens} the special tokens are left out. */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return native_.decode(ids, skipSpecialTokens);
    }

    /** The vocabulary entry of an id (raw, e.g. "Ġle"; {@code convert_ids_to_tokens}); throws for an unknown id. */
    public String tokenText(long id) {
        String t = byId.get(id);
        if (t == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of " + directory
                    + " (size " + vocabSize + ")");
        }
        return t;
    }

    /** The id of a vocabulary entry or added token, written as in the vocabulary ({@code convert_tokens_to_ids}). */
    public OptionalLong tokenId(String token) {
        Long id = vocab.get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Model vocabulary plus added tokens: one more than the largest id ({@code len(tokenizer)}). */
    public int vocabSize() {
        return vocabSize;
    }

    public OptionalLong bosId() {
        return bos;
    }

    @Override
    public OptionalLong eosId() {
        return eos;
    }

    @Override
    public OptionalLong padId() {
        return pad;
    }

    public OptionalLong unkId() {
        return unk;
    }

    /** {@code model_max_length} of tokenizer_config.json, when it is a real limit. */
    public OptionalLong modelMaxLength() {
        return modelMaxLength;
    }

    /** The default chat template (Jinja source), if the tokenizer has one. */
    @Override
    public Optional<String> chatTemplate() {
        String t = chatTemplates.get("default");
        if (t == null && chatTemplates.size() == 1) {
            t = chatTemplates.values().iterator().next();
        }
        return Optional.ofNullable(t);
    }

    /** Every chat template by name ("default" for a single unnamed one), e.g. "tool_use". */
    public Map<String, String> chatTemplates() {
        return chatTemplates;
    }

    /** Ids of the added tokens marked special, and of bos/eos/pad/unk. */
    public Set<Long> specialIds() {
        return specialIds;
    }

    /** The directory it was loaded from. */
    public Path directory() {
        return directory;
    }

    /** The bytes of one of the {@link #FILES} it was loaded from, when that file was there. */
    public Optional<byte[]> file(String name) {
        byte[] bytes = files.get(name);
        return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
    }

    /** Writes the tokenizer files it was loaded from, byte for byte, into {@code dir}. */
    public void saveTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    @Override
    public void close() {
        native_.close();
    }

    @Override
    public String toString() {
        return "Tokenizer[" + directory + ", vocab " + vocabSize + "]";
    }
}
