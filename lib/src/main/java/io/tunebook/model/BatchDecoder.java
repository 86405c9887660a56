package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.tunebook.model.GenerationResult.FinishReason;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sequences decoding together, one token each per {@link #step}: a sequence may join between any
 * two steps and leaves as soon as it finishes, so a long answer does not hold short ones and a
 * request that arrives while others decode does not wait for them (continuous batching).
 *
 * <p>Prompts that join at the same step are run together, left-padded to the longest, and their
 * cache rows join the batch's right-aligned: shorter rows are left-padded, the padding is masked
 * out, and each row's positions count its own tokens only, so each row decodes as it would alone.
 * Finished rows are dropped from the cache, and columns that became padding in every row are cut,
 * so the batch's cost follows its live rows. Not thread-safe: one thread drives it.
 *
 * <p>A step costs few native calls ({@link Decoding}: fused projections, rotary tables built once,
 * a cache written in place, argmax on the engine for greedy rows). The weights are read when a batch
 * starts from empty: changing them while rows decode is not seen by those rows.
 */
public final class BatchDecoder implements AutoCloseable {
    private final CausalLM model;
    private final Transformer net;
    private final NDManager manager;
    private final KvCache cache;
    /** Made when a batch starts from empty (see {@link #prefill}), so that it reads the weights as they are then. */
    private Decoding decoding;
    private final Tokenizer tokenizer;
    private final List<Long> defaultEos;
    /** Rows of the cache, in its order. */
    private final List<Sequence> rows = new ArrayList<>();
    /** Added and not decoding yet, in the order added. */
    private final List<Sequence> joining = new ArrayList<>();
    /** At most this many rows decode at once (see {@link #BatchDecoder(CausalLM, int)}). */
    private final int maxRows;
    /**
     * Whether each batch that starts from empty reads the weights again (a long-lived decoder, the
     * server's), or the first one's are kept for the decoder's life ({@link Generator}'s, one call).
     */
    private final boolean rereadWeights;

    /** A decoder whose sequences all join at the next step (the server bounds its batch itself). */
    public BatchDecoder(CausalLM model) {
        this(model, Integer.MAX_VALUE);
    }

    /**
     * A decoder that decodes at most {@code maxRows} sequences at once: the others wait, in the order
     * added, and the next ones join in the step where rows finish, each written into the cache row a
     * finished one leaves (a copy of its own keys and values) where it fits. Joining by appending and
     * leaving by dropping rows each copied the whole cache: 35 copies of it for bench's 64 support-fr
     * prompts at batch 16 (bench/README.md, "Batched evaluation").
     */
    public BatchDecoder(CausalLM model, int maxRows) {
        this(model, maxRows, true);
    }

    /**
     * @param rereadWeights false for a decoder that lives for one call on the thread that owns the
     *     model: it builds its {@link Decoding} (fused copies of the weights) once instead of at every
     *     batch that starts from empty, which at batch 1 is every prompt (1.6 to 4.5 ms each on tiny-base)
     */
    BatchDecoder(CausalLM model, int maxRows, boolean rereadWeights) {
        this.rereadWeights = rereadWeights;
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        }
        this.maxRows = maxRows;
        this.model = model;
        this.net = model.transformer();
        this.manager = model.manager().newSubManager();
        this.cache = new KvCache(manager, model.config().numHiddenLayers());
        this.tokenizer = model.hasTokenizer() ? model.tokenizer() : null;
        this.defaultEos = model.generationConfig().eosTokenIds().stream().map(Integer::longValue).toList();
    }

    /**
     * Queues a prompt; it is prefilled and joins the batch at the next {@link #step} (or, with a row
     * limit, in the step where a row is free for it).
     *
     * @param index what the listener is told as the row (the prompt's index in its request)
     * @param listener sees each token (may be null); an exception it throws ends this sequence only,
     *     which then reports it as its {@link Sequence#failure()}
     */
    public Sequence add(long[] prompt, GenerationSettings settings, int index, TokenListener listener) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("a prompt must have at least one token");
        }
        int maxPositions = model.config().maxPositionEmbeddings();
        if (prompt.length > maxPositions) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens is longer than the model's "
                    + maxPositions + " positions");
        }
        Sequence s = new Sequence(prompt, settings, index, listener,
                Math.min(settings.maxNewTokens(), maxPositions - prompt.length));
        joining.add(s);
        return s;
    }

    /** What its steps are built from now (null before the first prefill). */
    Decoding decoding() {
        return decoding;
    }

    /** Rows in the batch's cache now (what a row limit bounds). */
    int rowsDecoding() {
        return rows.size();
    }

    /** Sequences added and not finished yet. */
    public int active() {
        return rows.size() + joining.size();
    }

    /**
     * Prefills the sequences that joined, then decodes one token for every row of the batch.
     *
     * @return the sequences that finished in this step (done, cancelled or failed)
     */
    public List<Sequence> step() {
        List<Sequence> finished = new ArrayList<>();
        dropCancelled(finished);
        List<Sequence> joined = admit(rows.size(), finished);
        if (!joined.isEmpty()) {
            prefill(joined, List.of(), finished);
            dropFinished(finished); // those done after their first token do not decode again
        }
        if (!rows.isEmpty()) {
            decode();
        }
        if (maxRows != Integer.MAX_VALUE && !joining.isEmpty()) {
            // Rows just finished: the next sequences join now and take their places in the cache.
            List<Integer> freed = new ArrayList<>();
            for (int b = 0; b < rows.size(); b++) {
                Sequence s = rows.get(b);
                if (s.done()) {
                    freed.add(b);
                    if (!finished.contains(s)) {
                        finished.add(s);
                    }
                }
            }
            List<Sequence> next = admit(rows.size() - freed.size(), finished);
            if (!next.isEmpty()) {
                prefill(next, freed, finished);
            }
        }
        dropFinished(finished);
        return finished;
    }

    /**
     * Takes from the waiting sequences as many as {@code live} decoding rows leave room for (a sequence
     * allowed no token finishes at once, taking none).
     */
    private List<Sequence> admit(int live, List<Sequence> finished) {
        List<Sequence> joined = new ArrayList<>();
        int taken = 0;
        for (; taken < joining.size() && live + joined.size() < maxRows; taken++) {
            Sequence s = joining.get(taken);
            if (s.limit == 0) {
                s.finish = FinishReason.LENGTH;
                finished.add(s);
            } else {
                joined.add(s);
            }
        }
        joining.subList(0, taken).clear();
        return joined;
    }

    /**
     * Runs the joining prompts together, left-padded to the longest (padding masked, positions
     * counting each row's own tokens), samples each one's first token, and puts their cache rows in
     * the batch's: into the {@code freed} rows (finished ones, not dropped yet) where a prompt is no
     * longer than the cache, appended below the others otherwise.
     */
    private void prefill(List<Sequence> joined, List<Integer> freed, List<Sequence> finished) {
        int n = joined.size();
        int longest = joined.stream().mapToInt(s -> s.prompt.length).max().orElseThrow();
        boolean padded = joined.stream().anyMatch(s -> s.prompt.length != longest);
        long[] ids = new long[n * longest];
        long[] positions = new long[n * longest];
        int[] leftPadding = padded ? new int[n] : null;
        for (int b = 0; b < n; b++) {
            long[] p = joined.get(b).prompt;
            int pad = longest - p.length;
            if (padded) {
                leftPadding[b] = pad;
            }
            for (int t = pad; t < longest; t++) {
                ids[b * longest + t] = p[t - pad];
                positions[b * longest + t] = t - pad;
            }
        }
        if (rows.size() == freed.size()) {
            dropFinished(finished); // no row decodes on: the batch starts from empty
            freed = List.of();
        }
        if (decoding == null || rows.isEmpty() && rereadWeights) {
            // Fused weights are copies: a decoder that outlives a change of the weights (the server's,
            // while a notebook trains or merges) picks it up when its batch next starts from empty.
            if (decoding != null) {
                decoding.close();
            }
            decoding = net.decoding(manager);
        }
        KvCache own = new KvCache(manager, model.config().numHiddenLayers());
        Next first = lastTokens(ids, positions, n, leftPadding, own, joined);
        take(joined, first);
        List<Integer> placed = new ArrayList<>();
        List<Integer> appended = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            Sequence s = joined.get(b);
            s.length = s.prompt.length;
            if (s.done()) {
                finished.add(s); // done after its first token: it never decodes
            } else {
                (placed.size() < freed.size() ? placed : appended).add(b);
            }
        }
        // Room for every row's remaining tokens at once, so that neither this join nor decoding regrows the cache.
        int room = 0;
        for (Sequence s : rows) {
            room = Math.max(room, s.limit - s.generated.size());
        }
        for (Sequence s : joined) {
            room = Math.max(room, s.limit);
        }
        int widest = placed.stream().mapToInt(b -> joined.get(b).length).max().orElse(0);
        if (widest > cache.length()) {
            cache.widen(widest, widest + room); // one copy of the batch, where dropping and appending made two
        }
        for (int i = 0; i < placed.size(); i++) {
            Sequence s = joined.get(placed.get(i));
            cache.putRow(freed.get(i), own, placed.get(i), s.length);
            rows.set(freed.get(i), s);
        }
        if (appended.isEmpty()) {
            own.close();
        } else {
            dropFinished(finished); // rows left finished are dropped before the others are copied
            KvCache joining = own;
            if (appended.size() < n) {
                joining = own.selectRows(appended.stream().mapToInt(Integer::intValue).toArray());
                own.close();
            }
            cache.appendRows(joining, Math.max(cache.length(), joining.length()) + room);
            for (int b : appended) {
                rows.add(joined.get(b));
            }
        }
        reserve();
    }

    /**
     * The next token of each row by argmax on the engine's side, when every row decodes greedily
     * without a repetition penalty (the sampler would pick the same: the first largest logit); the
     * host then reads one id a row instead of a row of logits. Null when any row samples.
     */
    private static long[] argMaxes(NDArray logits, List<Sequence> sequences) {
        for (Sequence s : sequences) {
            if (!s.settings.greedy() || s.settings.repetitionPenalty() != 1.0) {
                return null;
            }
        }
        return logits.argMax(-1).toLongArray();
    }

    /** Each row's next token as argmax chose it on the engine, or else (ids null) the logits to sample it from. */
    private record Next(long[] ids, float[] logits) {
    }

    /** Gives each sequence its token: the ids argmax chose, else one sampled from its row of the logits. */
    private static void take(List<Sequence> sequences, Next next) {
        long[] ids = next.ids();
        float[] logits = next.logits();
        int n = sequences.size();
        int vocab = logits == null ? 0 : logits.length / n;
        for (int b = 0; b < n; b++) {
            Sequence s = sequences.get(b);
            if (ids != null) {
                s.take(ids[b]);
            } else {
                float[] row = new float[vocab];
                System.arraycopy(logits, b * vocab, row, 0, vocab);
                s.take(s.sampler.next(row, s.seen));
            }
        }
    }

    /** Room in the cache for every row's remaining tokens, so that decoding writes in place without regrowing. */
    private void reserve() {
        int longest = 0;
        for (Sequence s : rows) {
            longest = Math.max(longest, s.limit - s.generated.size());
        }
        cache.reserve(cache.length() + longest);
    }

    /** One token for every row: each row's last token, at its own position, over its own (unpadded) keys. */
    private void decode() {
        int batch = rows.size();
        int past = cache.length();
        long[] ids = new long[batch];
        long[] positions = new long[batch];
        int[] leftPadding = new int[batch];
        boolean padded = false;
        for (int b = 0; b < batch; b++) {
            Sequence s = rows.get(b);
            ids[b] = s.generated.get(s.generated.size() - 1);
            positions[b] = s.length;
            leftPadding[b] = past - s.length;
            padded |= s.length != past;
        }
        Next next = lastTokens(ids, positions, batch, padded ? leftPadding : null, cache, rows);
        for (Sequence s : rows) {
            s.length++;
        }
        take(rows, next);
    }

    /**
     * Runs {@code ids} ({@code [batch * seq]}, a prefill or one token a row) through the model into
     * {@code into} and returns each row's next token when argmax picks them all ({@link #argMaxes}),
     * else the last position's logits to sample from. A small step runs on one thread
     * (see {@link Decoding#oneThread}). libtorch keeps its OpenMP and MKL thread counts per calling
     * thread, so threads already running ops keep theirs; only a thread making its first libtorch call
     * during this step would start from the one-thread default, which is put back right after.
     *
     * @param leftPadding padded positions at the left of each row, or null when no row is padded
     */
    private Next lastTokens(long[] ids, long[] positions, int batch, int[] leftPadding, KvCache into,
            List<Sequence> sequences) {
        int seq = ids.length / batch;
        int past = into.length();
        int threads = decoding.oneThread(ids.length) ? JniUtils.getNumThreads() : 1;
        if (threads > 1) {
            JniUtils.setNumThreads(1);
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray last;
            if (decoding.scripted()) {
                last = decoding.step(m, ids, positions, batch, net.decodingMask(m, past, batch, seq, leftPadding), into);
            } else {
                NDArray hidden = net.decodeHiddenStates(Tensors.of(m, ids, new Shape(batch, seq)),
                        decoding.cosSin(m, positions, batch, seq), leftPadding, into, decoding);
                last = decoding.linear(net.lmHead(), seq == 1 ? hidden : hidden.get(":, -1:, :"));
            }
            long[] next = argMaxes(last, sequences);
            return new Next(next, next == null ? last.toFloatArray() : null);
        } finally {
            if (threads > 1) {
                JniUtils.setNumThreads(threads);
            }
        }
    }

    private void dropCancelled(List<Sequence> finished) {
        joining.removeIf(s -> {
            if (s.cancelled) {
                finished.add(s);
            }
            return s.cancelled;
        });
        dropFinished(finished);
    }

    /** Removes finished rows from the batch and its cache, then cuts the columns no remaining row uses. */
    private void dropFinished(List<Sequence> finished) {
        List<Integer> keep = new ArrayList<>();
        int longest = 0;
        for (int b = 0; b < rows.size(); b++) {
            Sequence s = rows.get(b);
            if (s.done()) {
                if (!finished.contains(s)) {
                    finished.add(s);
                }
            } else {
                keep.add(b);
                longest = Math.max(longest, s.length);
            }
        }
        if (keep.size() == rows.size()) {
            return;
        }
        List<Sequence> kept = new ArrayList<>();
        for (int b : keep) {
            kept.add(rows.get(b));
        }
        rows.clear();
        rows.addAll(kept);
        cache.keepRows(keep.stream().mapToInt(Integer::intValue).toArray(), rows.isEmpty() ? 0 : cache.length() - longest);
        if (rows.isEmpty() && decoding != null) {
            decoding.forgetCache(); // an idle server's decoder holds no cache buffers through the scripted step
        }
    }

    @Override
    public void close() {
        cache.close();
        if (decoding != null) {
            decoding.close();
        }
        manager.close();
    }

    /** Decoding state of one prompt. */
    public final class Sequence {
        private final long[] prompt;
        private final GenerationSettings settings;
        private final int index;
        private final TokenListener listener;
        private final int limit;
        private final Sampler sampler;
        private final Set<Long> eos;
        private final Set<Long> seen = new LinkedHashSet<>();
        private final List<Long> generated = new ArrayList<>();
        /** Tokens of this row in the cache (its next position). */
        private int length;
        private String text = "";
        private String streamed = "";
        private FinishReason finish;
        private RuntimeException failure;
        private volatile boolean cancelled;

        private Sequence(long[] prompt, GenerationSettings settings, int index, TokenListener listener, int limit) {
            this.prompt = prompt;
            this.settings = settings;
            this.index = index;
            this.listener = listener;
            this.limit = limit;
            this.sampler = new Sampler(settings);
            this.eos = new LinkedHashSet<>(settings.eosTokenIds().orElse(defaultEos));
            for (long id : prompt) {
                seen.add(id);
            }
        }

        /** Leaves the batch before the next step's tokens; what was generated so far stays readable. */
        public void cancel() {
            cancelled = true;
        }

        public boolean cancelled() {
            return cancelled;
        }

        /** Finished: by EOS, a stop string, the token limit, cancellation or a listener's failure. */
        public boolean done() {
            return finish != null || failure != null || cancelled;
        }

        /** What the listener threw, which ended this sequence. */
        public Optional<RuntimeException> failure() {
            return Optional.ofNullable(failure);
        }

        /** The index given to {@link #add}. */
        public int index() {
            return index;
        }

        private void take(long next) {
            generated.add(next);
            seen.add(next);
            if (eos.contains(next)) {
                finish = FinishReason.EOS;
            } else if (tokenizer != null && (listener != null || !settings.stopStrings().isEmpty())) {
                // Decoding the whole text again costs O(length) per token: only when a stop string or a listener needs it.
                text = tokenizer.decode(ids(false), true);
                int cut = -1;
                for (String stop : settings.stopStrings()) {
                    int at = text.indexOf(stop);
                    if (at >= 0 && (cut < 0 || at < cut)) {
                        cut = at;
                    }
                }
                if (cut >= 0) {
                    text = text.substring(0, cut);
                    finish = FinishReason.STOP_STRING;
                }
            }
            if (listener != null) {
                try {
                    listener.onToken(index, next, delta());
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (finish == null && generated.size() >= limit) {
                finish = FinishReason.LENGTH;
            }
        }

        /** New visible text since the last call, holding back a trailing partial UTF-8 character. */
        private String delta() {
            String visible = text.endsWith("\uFFFD") && finish == null ? text.substring(0, text.length() - 1) : text;
            if (!visible.startsWith(streamed)) {
                return "";
            }
            String delta = visible.substring(streamed.length());
            streamed = visible;
            return delta;
        }

        private long[] ids(boolean withEos) {
            int n = generated.size() - (!withEos && finish == FinishReason.EOS ? 1 : 0);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = generated.get(i);
            }
            return out;
        }

        /** The sequence as decoded so far; a sequence cut short reads as LENGTH. */
        public GenerationResult result() {
            if (tokenizer != null && finish != FinishReason.STOP_STRING) {
                text = tokenizer.decode(ids(false), true);
            }
            return new GenerationResult(text, prompt, ids(true), finish == null ? FinishReason.LENGTH : finish);
        }
    }
}
