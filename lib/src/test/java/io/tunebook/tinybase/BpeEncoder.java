package io.tunebook.tinybase;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain-Java byte-level BPE encoder: GPT-2 pre-tokenization, then merges applied by rank. It reads
 * the {@code tokenizer.json} files {@link BpeTrainer} writes (and other byte-level BPE files with no
 * normalizer and {@code ignore_merges} false), and exists to check the native Hugging Face tokenizer and
 * to measure compression without loading native code; {@link io.tunebook.model.Tokenizer} is what the
 * library uses to encode.
 *
 * <p>Special (added) tokens written literally in the text are matched first, longest first, as the
 * Hugging Face added vocabulary does; the text between them is pre-tokenized and merged.
 */
public final class BpeEncoder {
    private final Map<String, Integer> vocab;
    private final Map<String, Integer> ranks = new HashMap<>();
    private final Map<String, Integer> added;
    private final List<String> addedByLength;
    private final long[] prefix;
    private final long[] suffix;
    private final Map<String, int[]> cache = new HashMap<>();

    /**
     * @param vocab token (byte-level characters) to id
     * @param merges merge pairs in rank order
     * @param added added tokens (matched literally in the text) to id
     * @param prefix ids put before the sequence when special tokens are added (e.g. BOS)
     * @param suffix ids put after it
     */
    public BpeEncoder(Map<String, Integer> vocab, List<String[]> merges, Map<String, Integer> added,
            long[] prefix, long[] suffix) {
        this.vocab = Map.copyOf(vocab);
        for (int i = 0; i < merges.size(); i++) {
            ranks.putIfAbsent(merges.get(i)[0] + ' ' + merges.get(i)[1], i);
        }
        this.added = Map.copyOf(added);
        this.addedByLength = new ArrayList<>(added.keySet());
        addedByLength.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        this.prefix = prefix.clone();
        this.suffix = suffix.clone();
    }

    /** Reads vocab, merges (as "a b" strings or [a, b] pairs), added tokens and a TemplateProcessing post-processor. */
    public static BpeEncoder fromTokenizerJson(Path file) throws IOException {
        JsonObject root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(in).getAsJsonObject();
        }
        JsonObject model = root.getAsJsonObject("model");
        if (!"BPE".equals(model.get("type").getAsString())) {
            throw new IOException(file + ": model.type is not BPE");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : model.getAsJsonObject("vocab").entrySet()) {
            vocab.put(e.getKey(), e.getValue().getAsInt());
        }
        List<String[]> merges = new ArrayList<>();
        for (JsonElement m : model.getAsJsonArray("merges")) {
            if (m.isJsonArray()) {
                JsonArray pair = m.getAsJsonArray();
                merges.add(new String[] {pair.get(0).getAsString(), pair.get(1).getAsString()});
            } else {
                String s = m.getAsString();
                int sp = s.indexOf(' ', 1);
                merges.add(new String[] {s.substring(0, sp), s.substring(sp + 1)});
            }
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
            for (JsonElement t : root.getAsJsonArray("added_tokens")) {
                JsonObject o = t.getAsJsonObject();
                added.put(o.get("content").getAsString(), o.get("id").getAsInt());
            }
        }
        List<Long> pre = new ArrayList<>();
        List<Long> post = new ArrayList<>();
        JsonElement pp = root.get("post_processor");
        if (pp != null && pp.isJsonObject() && "TemplateProcessing".equals(pp.getAsJsonObject().get("type").getAsString())) {
            JsonObject special = pp.getAsJsonObject().getAsJsonObject("special_tokens");
            boolean seenSequence = false;
            for (JsonElement piece : pp.getAsJsonObject().getAsJsonArray("single")) {
                JsonObject p = piece.getAsJsonObject();
                if (p.has("Sequence")) {
                    seenSequence = true;
                } else {
                    String id = p.getAsJsonObject("SpecialToken").get("id").getAsString();
                    for (JsonElement x : special.getAsJsonObject(id).getAsJsonArray("ids")) {
                        (seenSequence ? post : pre).add(x.getAsLong());
                    }
                }
            }
        }
        return new BpeEncoder(vocab, merges, added, pre.stream().mapToLong(Long::longValue).toArray(),
                post.stream().mapToLong(Long::longValue).toArray());
    }

    /** Encodes {@code text}; with {@code addSpecialTokens} the post-processor's ids (BOS) surround it. */
    public long[] encode(String text, boolean addSpecialTokens) {
        List<Long> out = new ArrayList<>();
        if (addSpecialTokens) {
            for (long id : prefix) {
                out.add(id);
            }
        }
        int start = 0;
        int pos = 0;
        while (pos < text.length()) {
            String match = null;
            for (String a : addedByLength) {
                if (text.startsWith(a, pos)) {
                    match = a;
                    break;
                }
            }
            if (match == null) {
                pos++;
                continue;
            }
            encodeOrdinary(text.substring(start, pos), out);
            out.add((long) added.get(match));
            pos += match.length();
            start = pos;
        }
        encodeOrdinary(text.substring(start), out);
        if (addSpecialTokens) {
            for (long id : suffix) {
                out.add(id);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private void encodeOrdinary(String text, List<Long> out) {
        if (text.isEmpty()) {
            return;
        }
        ByteLevel.forEachPreToken(text, word -> {
            for (int id : encodeWord(word)) {
                out.add((long) id);
            }
        });
    }

    /** BPE of one byte-level pre-token: the lowest-ranked adjacent pair is merged until none is left. */
    public int[] encodeWord(String word) {
        int[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        List<String> parts = new ArrayList<>(word.length());
        for (int i = 0; i < word.length(); i++) {
            parts.add(String.valueOf(word.charAt(i)));
        }
        while (parts.size() > 1) {
            int best = Integer.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer r = ranks.get(parts.get(i) + ' ' + parts.get(i + 1));
                if (r != null && r < best) {
                    best = r;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            String a = parts.get(at);
            String b = parts.get(at + 1);
            List<String> next = new ArrayList<>(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                if (i + 1 < parts.size() && parts.get(i).equals(a) && parts.get(i + 1).equals(b)) {
                    next.add(a + b);
                    i++;
                } else {
                    next.add(parts.get(i));
                }
            }
            parts = next;
        }
        int[] ids = new int[parts.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.get(parts.get(i));
            if (id == null) {
                throw new IllegalStateException("token '" + parts.get(i) + "' is not in the vocabulary");
            }
            ids[i] = id;
        }
        if (cache.size() < 1_000_000) {
            cache.put(word, ids);
        }
        return ids;
    }

    /** Number of tokens of the vocabulary model (added tokens not counted). */
    public int modelVocabSize() {
        return vocab.size();
    }
}
