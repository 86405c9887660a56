package io.tunebook.tinybase;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Trains a byte-level BPE tokenizer (GPT-2 / Llama 3 style) and writes it in Hugging Face layout:
 * {@code tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json}.
 *
 * <p>Ids: the special tokens of {@link #SPECIAL_TOKENS} are 0..4, the 256 byte tokens follow in
 * byte order (5..260), then one token per merge in the order learned.
 *
 * <p>Training: text is split with the GPT-2 pattern (exactly what the {@code ByteLevel} pre-tokenizer
 * with {@code use_regex: true} does), each piece is mapped to byte-level characters and counted. Then
 * the most frequent adjacent pair is merged until the vocabulary has the requested size; ties go to the
 * pair with the smaller ids (first id, then second), so the same corpus always gives the same tokenizer.
 * Pair counts are kept in a map and updated only for the words that contain the merged pair, with a
 * lazily revalidated priority queue, so a merge costs time in proportion to the words it touches.
 *
 * <p>Command line: {@code BpeTrainer --corpus FILE --vocab-size N --out DIR [--min-frequency F]
 * [--model-max-length L]}.
 */
public final class BpeTrainer {
    public static final String PAD = "<|pad|>";
    public static final String BOS = "<|begin_of_text|>";
    public static final String EOS = "<|end_of_text|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    /** Special tokens, ids 0..4 in this order. */
    public static final List<String> SPECIAL_TOKENS = List.of(PAD, BOS, EOS, IM_START, IM_END);
    /** Id of the first byte token; byte b has id {@code FIRST_BYTE_ID + b}. */
    public static final int FIRST_BYTE_ID = SPECIAL_TOKENS.size();
    /** Id of the first merged token. */
    public static final int FIRST_MERGE_ID = FIRST_BYTE_ID + 256;

    /**
     * ChatML, as Qwen2 writes it (without Qwen's default system message): each message is
     * {@code <|im_start|>role\ncontent<|im_end|>\n}; {@code add_generation_prompt} opens an assistant turn.
     * One line with no whitespace control, so any Jinja engine renders it the same way.
     */
    public static final String CHAT_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role']"
            + " + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";


    private final int vocabSize;
    private int minFrequency = 2;
    private int maxDistinctWords = 5_000_000;
    private final HashMap<String, long[]> wordCounts = new HashMap<>();
    private long pruneBelow = 2;
    int chunkChars = 1 << 16;           // package-private: tests cut small chunks

    /** @param vocabSize the final vocabulary size, special and byte tokens included (at least 261) */
    public BpeTrainer(int vocabSize) {
        if (vocabSize < FIRST_MERGE_ID) {
            throw new IllegalArgumentException("vocab size " + vocabSize + " is below the " + FIRST_MERGE_ID
                    + " special and byte tokens");
        }
        this.vocabSize = vocabSize;
    }

    /** Pairs seen fewer times than this are never merged (default 2); training may then stop short of the size. */
    public BpeTrainer minFrequency(int minFrequency) {
        this.minFrequency = Math.max(1, minFrequency);
        return this;
    }

    /**
     * Bounds memory while counting: when more distinct pre-tokens than this are held, the rarest are
     * dropped (those seen once, then twice, ...). Default five million.
     */
    public BpeTrainer maxDistinctWords(int maxDistinctWords) {
        this.maxDistinctWords = maxDistinctWords;
        return this;
    }

    /** Counts the pre-tokens of one text (a whole document or a chunk cut as {@link ByteLevel#isWhitespace} allows). */
    public void addText(CharSequence text) {
        ByteLevel.forEachPreToken(text, word -> {
            long[] c = wordCounts.get(word);
            if (c == null) {
                wordCounts.put(word, new long[] {1});
                if (wordCounts.size() > maxDistinctWords) {
                    prune();
                }
            } else {
                c[0]++;
            }
        });
    }

    private void prune() {
        while (wordCounts.size() > maxDistinctWords / 2) {
            long below = pruneBelow;
            wordCounts.values().removeIf(c -> c[0] < below);
            pruneBelow++;
        }
    }

    /**
     * Counts a UTF-8 text file, streaming: it is read in chunks cut just before a whitespace character
     * that follows a non-whitespace one, where every pre-token ends, so the counts are those of the
     * whole file pre-tokenized at once.
     */
    public void addFile(Path corpus) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
            char[] buf = new char[1 << 16];
            StringBuilder chunk = new StringBuilder(2 * chunkChars);
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    char c = buf[i];
                    if (chunk.length() >= chunkChars && ByteLevel.isWhitespace(c)
                            && !ByteLevel.isWhitespace(chunk.charAt(chunk.length() - 1))) {
                        addText(chunk);
                        chunk.setLength(0);
                    }
                    chunk.append(c);
                }
            }
            if (chunk.length() > 0) {
                addText(chunk);
            }
        }
    }

    /** Number of distinct pre-tokens counted so far. */
    public int distinctWords() {
        return wordCounts.size();
    }

    /** A trained vocabulary: tokens by id (byte-level characters) and the merges in rank order. */
    public static final class Model {
        private final List<String> tokens;
        private final List<String[]> merges;

        Model(List<String> tokens, List<String[]> merges) {
            this.tokens = List.copyOf(tokens);
            this.merges = List.copyOf(merges);
        }

        /** Token strings by id, special tokens included. */
        public List<String> tokens() {
            return tokens;
        }

        /** Merge pairs in rank order. */
        public List<String[]> merges() {
            return merges;
        }

        /** Token to id for the BPE model (specials included, as Llama 3's tokenizer.json does). */
        public Map<String, Integer> vocab() {
            Map<String, Integer> v = new LinkedHashMap<>();
            for (int i = 0; i < tokens.size(); i++) {
                v.put(tokens.get(i), i);
            }
            return v;
        }

        /** A pure-Java encoder for this vocabulary, with BOS added as the written post-processor does. */
        public BpeEncoder encoder() {
            Map<String, Integer> added = new LinkedHashMap<>();
            for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
                added.put(SPECIAL_TOKENS.get(i), i);
            }
            return new BpeEncoder(vocab(), merges, added, new long[] {SPECIAL_TOKENS.indexOf(BOS)}, new long[0]);
        }

        /**
         * Writes {@code tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json}.
         *
         * @param modelMaxLength the context length recorded in {@code tokenizer_config.json}
         */
        public void write(Path dir, int modelMaxLength) throws IOException {
            Files.createDirectories(dir);
            Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
            Files.writeString(dir.resolve("tokenizer.json"), gson.toJson(tokenizerJson()) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("tokenizer_config.json"), gson.toJson(tokenizerConfig(modelMaxLength)) + "\n",
                    StandardCharsets.UTF_8);
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("bos_token", BOS);
            map.put("eos_token", EOS);
            map.put("pad_token", PAD);
            map.put("additional_special_tokens", List.of(IM_START, IM_END));
            Files.writeString(dir.resolve("special_tokens_map.json"), gson.toJson(map) + "\n", StandardCharsets.UTF_8);
        }

        Map<String, Object> tokenizerJson() {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("version", "1.0");
            root.put("truncation", null);
            root.put("padding", null);
            List<Object> addedTokens = new ArrayList<>();
            for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
                addedTokens.add(addedToken(i));
            }
            root.put("added_tokens", addedTokens);
            root.put("normalizer", null);
            Map<String, Object> pre = new LinkedHashMap<>();
            pre.put("type", "ByteLevel");
            pre.put("add_prefix_space", false);
            pre.put("trim_offsets", true);
            pre.put("use_regex", true);
            root.put("pre_tokenizer", pre);
            root.put("post_processor", templateProcessing());
            Map<String, Object> decoder = new LinkedHashMap<>();
            decoder.put("type", "ByteLevel");
            decoder.put("add_prefix_space", true);
            decoder.put("trim_offsets", true);
            decoder.put("use_regex", true);
            root.put("decoder", decoder);
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("type", "BPE");
            model.put("dropout", null);
            model.put("unk_token", null);
            model.put("continuing_subword_prefix", null);
            model.put("end_of_word_suffix", null);
            model.put("fuse_unk", false);
            model.put("byte_fallback", false);
            model.put("ignore_merges", false);
            model.put("vocab", vocab());
            // "a b" strings: read by every version of tokenizers (the [a, b] pair form needs 0.20+);
            // byte-level tokens never hold a space, so the string form is unambiguous.
            List<String> mergeStrings = new ArrayList<>(merges.size());
            for (String[] m : merges) {
                mergeStrings.add(m[0] + " " + m[1]);
            }
            model.put("merges", mergeStrings);
            root.put("model", model);
            return root;
        }

        private static Map<String, Object> addedToken(int id) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", id);
            t.put("content", SPECIAL_TOKENS.get(id));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            return t;
        }

        private static Map<String, Object> templateProcessing() {
            Map<String, Object> pp = new LinkedHashMap<>();
            pp.put("type", "TemplateProcessing");
            pp.put("single", List.of(specialPiece(BOS, 0), sequencePiece("A", 0)));
            pp.put("pair", List.of(specialPiece(BOS, 0), sequencePiece("A", 0), specialPiece(BOS, 1),
                    sequencePiece("B", 1)));
            Map<String, Object> bos = new LinkedHashMap<>();
            bos.put("id", BOS);
            bos.put("ids", List.of(SPECIAL_TOKENS.indexOf(BOS)));
            bos.put("tokens", List.of(BOS));
            pp.put("special_tokens", Map.of(BOS, bos));
            return pp;
        }

        private static Map<String, Object> specialPiece(String token, int typeId) {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("id", token);
            inner.put("type_id", typeId);
            return Map.of("SpecialToken", inner);
        }

        private static Map<String, Object> sequencePiece(String which, int typeId) {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("id", which);
            inner.put("type_id", typeId);
            return Map.of("Sequence", inner);
        }

        Map<String, Object> tokenizerConfig(int modelMaxLength) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("add_bos_token", true);
            c.put("add_eos_token", false);
            Map<String, Object> decoder = new LinkedHashMap<>();
            for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
                Map<String, Object> t = addedToken(i);
                t.remove("id");
                decoder.put(String.valueOf(i), t);
            }
            c.put("added_tokens_decoder", decoder);
            c.put("additional_special_tokens", List.of(IM_START, IM_END));
            c.put("bos_token", BOS);
            c.put("chat_template", CHAT_TEMPLATE);
            c.put("clean_up_tokenization_spaces", false);
            c.put("eos_token", EOS);
            c.put("model_input_names", List.of("input_ids", "attention_mask"));
            c.put("model_max_length", modelMaxLength);
            c.put("pad_token", PAD);
            c.put("padding_side", "right");
            c.put("tokenizer_class", "PreTrainedTokenizerFast");
            c.put("unk_token", null);
            return c;
        }
    }

    /** Learns the merges from the counted text. */
    public Model train() {
        return train(null);
    }

    /** Learns the merges; progress lines go to {@code log} when it is not null. */
    public Model train(PrintStream log) {
        // Words in sorted order, so ids and the order of updates never depend on hashing.
        String[] words = wordCounts.keySet().toArray(new String[0]);
        Arrays.sort(words);
        int[][] syms = new int[words.length][];
        long[] counts = new long[words.length];
        for (int w = 0; w < words.length; w++) {
            String word = words[w];
            counts[w] = wordCounts.get(word)[0];
            syms[w] = new int[word.length()];
            for (int i = 0; i < word.length(); i++) {
                int b = ByteLevel.charToByte(word.charAt(i));
                syms[w][i] = FIRST_BYTE_ID + b;
            }
        }

        List<String> tokens = new ArrayList<>(SPECIAL_TOKENS);
        Map<String, Integer> tokenIds = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.byteToChar(b)));
        }
        for (int i = 0; i < tokens.size(); i++) {
            tokenIds.put(tokens.get(i), i);
        }
        List<String[]> merges = new ArrayList<>();

        HashMap<Long, PairStat> pairs = new HashMap<>();
        for (int w = 0; w < syms.length; w++) {
            int[] s = syms[w];
            for (int i = 0; i + 1 < s.length; i++) {
                PairStat p = pairs.computeIfAbsent(key(s[i], s[i + 1]), k -> new PairStat());
                p.count += counts[w];
                p.addWord(w);
            }
        }
        PriorityQueue<long[]> queue = new PriorityQueue<>(BpeTrainer::compareEntries);
        for (Map.Entry<Long, PairStat> e : pairs.entrySet()) {
            queue.add(new long[] {e.getValue().count, e.getKey()});
        }

        long started = System.nanoTime();
        while (tokens.size() < vocabSize && !queue.isEmpty()) {
            long[] top = queue.poll();
            long pairKey = top[1];
            PairStat stat = pairs.get(pairKey);
            if (stat == null || stat.count <= 0) {
                continue;
            }
            if (stat.count != top[0]) {
                queue.add(new long[] {stat.count, pairKey});   // counts of old pairs only go down
                continue;
            }
            if (stat.count < minFrequency) {
                break;
            }
            int a = (int) (pairKey >>> 32);
            int b = (int) pairKey;
            String merged = tokens.get(a) + tokens.get(b);
            Integer existing = tokenIds.get(merged);
            int newId = existing != null ? existing : tokens.size();
            if (existing == null) {
                tokens.add(merged);
                tokenIds.put(merged, newId);
            }
            merges.add(new String[] {tokens.get(a), tokens.get(b)});

            HashMap<Long, PairStat> created = new HashMap<>();
            for (int w : stat.uniqueWords()) {
                int[] s = syms[w];
                if (!contains(s, a, b)) {
                    continue;
                }
                long c = counts[w];
                for (int i = 0; i + 1 < s.length; i++) {
                    pairs.get(key(s[i], s[i + 1])).count -= c;
                }
                int[] t = merge(s, a, b, newId);
                syms[w] = t;
                for (int i = 0; i + 1 < t.length; i++) {
                    long k = key(t[i], t[i + 1]);
                    PairStat p = pairs.get(k);
                    if (p == null) {
                        p = new PairStat();
                        pairs.put(k, p);
                    }
                    p.count += c;
                    if (t[i] == newId || t[i + 1] == newId) {
                        p.addWord(w);
                        created.put(k, p);
                    }
                }
            }
            pairs.remove(pairKey);
            for (Map.Entry<Long, PairStat> e : created.entrySet()) {
                if (e.getValue().count > 0) {
                    queue.add(new long[] {e.getValue().count, e.getKey()});
                }
            }
            if (log != null && merges.size() % 1000 == 0) {
                log.printf("  %,d merges, vocab %,d, last '%s' x%,d (%.1f s)%n", merges.size(), tokens.size(),
                        ByteLevel.decodeBytes(merged).replace("\n", "\\n"), top[0], (System.nanoTime() - started) / 1e9);
            }
        }
        return new Model(tokens, merges);
    }

    private static int compareEntries(long[] x, long[] y) {
        int c = Long.compare(y[0], x[0]);          // higher count first
        if (c != 0) {
            return c;
        }
        int xa = (int) (x[1] >>> 32);
        int ya = (int) (y[1] >>> 32);
        if (xa != ya) {
            return Integer.compare(xa, ya);
        }
        return Integer.compare((int) x[1], (int) y[1]);
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    private static boolean contains(int[] s, int a, int b) {
        for (int i = 0; i + 1 < s.length; i++) {
            if (s[i] == a && s[i + 1] == b) {
                return true;
            }
        }
        return false;
    }

    /** Replaces each non-overlapping (a, b), left to right, with {@code id}. */
    static int[] merge(int[] s, int a, int b, int id) {
        int[] out = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                out[n++] = id;
                i++;
            } else {
                out[n++] = s[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Count of one pair, and the words it may occur in (possibly with repeats and stale entries). */
    private static final class PairStat {
        long count;
        int[] words = new int[2];
        int size;

        void addWord(int w) {
            if (size > 0 && words[size - 1] == w) {
                return;
            }
            if (size == words.length) {
                words = Arrays.copyOf(words, size * 2);
            }
            words[size++] = w;
        }

        int[] uniqueWords() {
            int[] u = Arrays.copyOf(words, size);
            Arrays.sort(u);
            int n = 0;
            for (int i = 0; i < u.length; i++) {
                if (n == 0 || u[n - 1] != u[i]) {
                    u[n++] = u[i];
                }
            }
            return Arrays.copyOf(u, n);
        }
    }

    /** Compression of {@code model} on a text file: bytes, whitespace-separated words and tokens. */
    public static long[] measure(Model model, Path corpus) throws IOException {
        BpeEncoder enc = model.encoder();
        long bytes = 0;
        long words = 0;
        long tokens = 0;
        try (BufferedReader in = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                bytes += line.getBytes(StandardCharsets.UTF_8).length;
                words += line.trim().split("\\s+").length;
                tokens += enc.encode(line, false).length;
            }
        }
        return new long[] {bytes, words, tokens};
    }

    public static void main(String[] args) throws IOException {
        Path corpus = null;
        Path out = null;
        int vocab = 8192;
        int minFrequency = 2;
        int maxLength = 2048;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--corpus": corpus = Path.of(need(args[i], value)); i++; break;
                case "--out": out = Path.of(need(args[i], value)); i++; break;
                case "--vocab-size": vocab = Integer.parseInt(need(args[i], value)); i++; break;
                case "--min-frequency": minFrequency = Integer.parseInt(need(args[i], value)); i++; break;
                case "--model-max-length": maxLength = Integer.parseInt(need(args[i], value)); i++; break;
                default:
                    System.err.println("unknown argument: " + args[i]);
                    usage();
            }
        }
        if (corpus == null || out == null) {
            usage();
        }
        if (!Files.isRegularFile(corpus)) {
            System.err.println("corpus file " + corpus + " does not exist");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        BpeTrainer trainer = new BpeTrainer(vocab).minFrequency(minFrequency);
        trainer.addFile(corpus);
        System.err.printf("counted %,d distinct pre-tokens in %s (%.1f s)%n", trainer.distinctWords(), corpus,
                (System.nanoTime() - t0) / 1e9);
        Model model = trainer.train(System.err);
        model.write(out, maxLength);
        System.err.printf("wrote %s: %,d tokens, %,d merges (%.1f s)%n", out, model.tokens().size(),
                model.merges().size(), (System.nanoTime() - t0) / 1e9);
        long[] m = measure(model, corpus);
        System.err.printf("on the corpus: %,d bytes, %,d words, %,d tokens: %.3f bytes/token, %.3f tokens/word%n",
                m[0], m[1], m[2], (double) m[0] / m[2], (double) m[2] / m[1]);
    }

    private static String need(String flag, String value) {
        if (value == null) {
            System.err.println(flag + " needs a value");
            usage();
        }
        return value;
    }

    private static void usage() {
        System.err.println("usage: BpeTrainer --corpus FILE --vocab-size N --out DIR"
                + " [--min-frequency F] [--model-max-length L]");
        System.exit(2);
    }
}
