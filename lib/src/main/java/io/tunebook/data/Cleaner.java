package io.tunebook.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Cleans a dataset, in this order: text normalisation ({@link TextNormalizer}: NFC, line endings,
 * trailing whitespace, blank-line runs), e-mail and phone-number checks (flag, redact or drop),
 * token-length filters, exact-duplicate removal, then near-duplicate removal by MinHash over
 * character shingles with LSH banding. Of duplicates, the first example stays; the report names,
 * for each one removed, the example kept in its place.
 *
 * <p>Defaults: normalisation, exact and near-duplicate removal on (threshold 0.8, 5-character
 * shingles, 128 permutations, bands chosen for the threshold); no length filter; no PII check.
 *
 * <pre>{@code
 * CleaningResult r = Cleaner.builder()
 *         .nearDuplicateThreshold(0.85)
 *         .maxTokens(2048).tokenCounter(text -> tokenizer.encode(text, false).length)
 *         .emails(PiiAction.FLAG)
 *         .build()
 *         .clean(dataset);
 * System.out.println(r.report());
 * }</pre>
 */
public final class Cleaner {
    private final boolean normalize;
    private final boolean exactDuplicates;
    private final boolean nearDuplicates;
    private final double threshold;
    private final int shingleSize;
    private final int permutations;
    private final int bands;
    private final long seed;
    private final int minTokens;
    private final int maxTokens;
    private final TokenCounter tokenCounter;
    private final PiiAction emails;
    private final PiiAction phoneNumbers;

    private Cleaner(Builder b) {
        this.normalize = b.normalize;
        this.exactDuplicates = b.exactDuplicates;
        this.nearDuplicates = b.nearDuplicates;
        this.threshold = b.threshold;
        this.shingleSize = b.shingleSize;
        this.permutations = b.permutations;
        this.bands = b.bands > 0 ? b.bands : MinHash.bandsFor(b.permutations, b.threshold);
        this.seed = b.seed;
        this.minTokens = b.minTokens;
        this.maxTokens = b.maxTokens;
        this.tokenCounter = b.tokenCounter;
        this.emails = b.emails;
        this.phoneNumbers = b.phoneNumbers;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The number of LSH bands used (chosen from the threshold unless set). */
    public int bands() {
        return bands;
    }

    public CleaningResult clean(Dataset dataset) {
        List<Example> kept = new ArrayList<>();
        List<CleaningReport.Removal> removals = new ArrayList<>();
        List<CleaningReport.Flag> flags = new ArrayList<>();
        Map<Key, Source> seen = new HashMap<>();
        MinHash minHash = nearDuplicates ? new MinHash(shingleSize, permutations, seed) : null;
        LshIndex index = nearDuplicates ? new LshIndex(permutations, bands) : null;
        List<int[]> signatures = new ArrayList<>();
        int normalizedCount = 0;
        for (Example original : dataset) {
            Example e = original;
            if (normalize) {
                e = normalized(e);
                if (!e.equals(original)) {
                    normalizedCount++;
                }
            }
            e = pii(e, PiiKind.EMAIL, emails, flags);
            if (e == null) {
                removals.add(removal(original, RemovalReason.EMAIL, flags));
                continue;
            }
            e = pii(e, PiiKind.PHONE_NUMBER, phoneNumbers, flags);
            if (e == null) {
                removals.add(removal(original, RemovalReason.PHONE_NUMBER, flags));
                continue;
            }
            if (tokenCounter != null && (minTokens > 0 || maxTokens > 0)) {
                int n = tokenCounter.count(e);
                if (minTokens > 0 && n < minTokens) {
                    removals.add(new CleaningReport.Removal(e.source(), RemovalReason.TOO_SHORT, null, 0,
                            n + " tokens < " + minTokens));
                    continue;
                }
                if (maxTokens > 0 && n > maxTokens) {
                    removals.add(new CleaningReport.Removal(e.source(), RemovalReason.TOO_LONG, null, 0,
                            n + " tokens > " + maxTokens));
                    continue;
                }
            }
            if (exactDuplicates) {
                Key key = Key.of(e);
                Source first = seen.putIfAbsent(key, e.source());
                if (first != null) {
                    removals.add(new CleaningReport.Removal(e.source(), RemovalReason.EXACT_DUPLICATE, first, 1.0, ""));
                    continue;
                }
            }
            if (nearDuplicates) {
                int[] sig = minHash.signature(similarityText(e));
                int best = -1;
                double bestSimilarity = -1;
                for (int candidate : index.candidates(sig)) {
                    double s = MinHash.similarity(sig, signatures.get(candidate));
                    if (s > bestSimilarity) {
                        bestSimilarity = s;
                        best = candidate;
                    }
                }
                if (best >= 0 && bestSimilarity >= threshold) {
                    removals.add(new CleaningReport.Removal(e.source(), RemovalReason.NEAR_DUPLICATE,
                            kept.get(best).source(), bestSimilarity, ""));
                    continue;
                }
                index.add(kept.size(), sig);
                signatures.add(sig);
            }
            kept.add(e);
        }
        CleaningReport report = new CleaningReport(dataset.size(), kept.size(), normalizedCount, removals, flags);
        return new CleaningResult(dataset.withExamples(kept), report);
    }

    private static Example normalized(Example e) {
        Example out = e.withConversation(e.conversation().mapContent(TextNormalizer::normalize));
        return e.isPreference() ? out.withRejected(TextNormalizer.normalize(e.rejected())) : out;
    }

    /** Looks for {@code kind}; returns the example (redacted if asked) or {@code null} to drop it. */
    private static Example pii(Example e, PiiKind kind, PiiAction action, List<CleaningReport.Flag> flags) {
        if (action == PiiAction.IGNORE) {
            return e;
        }
        boolean found = false;
        List<Message> messages = e.conversation().messages();
        List<Message> redacted = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            List<String> matches = PiiDetector.find(kind, m.content());
            for (String match : matches) {
                flags.add(new CleaningReport.Flag(e.source(), "messages[" + i + "]", kind, match, action));
            }
            found |= !matches.isEmpty();
            redacted.add(action == PiiAction.REDACT && !matches.isEmpty()
                    ? m.withContent(PiiDetector.redact(kind, m.content())) : m);
        }
        String rejected = e.rejected();
        if (rejected != null) {
            List<String> matches = PiiDetector.find(kind, rejected);
            for (String match : matches) {
                flags.add(new CleaningReport.Flag(e.source(), "rejected", kind, match, action));
            }
            found |= !matches.isEmpty();
            if (action == PiiAction.REDACT && !matches.isEmpty()) {
                rejected = PiiDetector.redact(kind, rejected);
            }
        }
        if (!found) {
            return e;
        }
        if (action == PiiAction.DROP) {
            return null;
        }
        if (action == PiiAction.REDACT) {
            return e.withConversation(new Conversation(redacted)).withRejected(rejected);
        }
        return e;
    }

    private static CleaningReport.Removal removal(Example e, RemovalReason reason, List<CleaningReport.Flag> flags) {
        String match = flags.isEmpty() ? "" : flags.get(flags.size() - 1).match();
        return new CleaningReport.Removal(e.source(), reason, null, 0, match);
    }

    /** Roles and contents, lower-cased, whitespace runs as one space: what near-duplicates compare. */
    static String similarityText(Example e) {
        StringBuilder b = new StringBuilder();
        for (Message m : e.conversation().messages()) {
            b.append(m.role().openAiName()).append(": ").append(m.content()).append('\n');
        }
        if (e.rejected() != null) {
            b.append("rejected: ").append(e.rejected());
        }
        return b.toString().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
    }

    /** A 128-bit digest of an example's roles and contents: what exact duplicates share. */
    private record Key(long high, long low) {
        static Key of(Example e) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (Message m : e.conversation().messages()) {
                    sha.update((byte) m.role().ordinal());
                    sha.update(m.content().getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                }
                if (e.rejected() != null) {
                    sha.update((byte) 0xFF);
                    sha.update(e.rejected().getBytes(StandardCharsets.UTF_8));
                }
                byte[] d = sha.digest();
                return new Key(ByteBuffer.wrap(d, 0, 8).getLong(), ByteBuffer.wrap(d, 8, 8).getLong());
            } catch (NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    public static final class Builder {
        private boolean normalize = true;
        private boolean exactDuplicates = true;
        private boolean nearDuplicates = true;
        private double threshold = 0.8;
        private int shingleSize = 5;
        private int permutations = 128;
        private int bands;
        private long seed = 1;
        private int minTokens;
        private int maxTokens;
        private TokenCounter tokenCounter;
        private PiiAction emails = PiiAction.IGNORE;
        private PiiAction phoneNumbers = PiiAction.IGNORE;

        private Builder() {
        }

        /** NFC and whitespace normalisation (default on). */
        public Builder normalize(boolean on) {
            this.normalize = on;
            return this;
        }

        /** Removal of exact duplicates (default on). */
        public Builder exactDuplicates(boolean on) {
            this.exactDuplicates = on;
            return this;
        }

        /** Removal of near duplicates (default on). */
        public Builder nearDuplicates(boolean on) {
            this.nearDuplicates = on;
            return this;
        }

        /** The Jaccard similarity from which two examples are near duplicates, in (0, 1]; default 0.8. */
        public Builder nearDuplicateThreshold(double value) {
            this.threshold = value;
            return this;
        }

        /** Characters per shingle; default 5. */
        public Builder shingleSize(int value) {
            this.shingleSize = value;
            return this;
        }

        /** MinHash permutations (signature length); default 128. */
        public Builder permutations(int value) {
            this.permutations = value;
            return this;
        }

        /** LSH bands, a divisor of the permutations; default: chosen for the threshold. */
        public Builder bands(int value) {
            this.bands = value;
            return this;
        }

        /** The seed of the MinHash functions; default 1. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Removes examples with fewer tokens (needs a {@link #tokenCounter}). */
        public Builder minTokens(int value) {
            this.minTokens = value;
            return this;
        }

        /** Removes examples with more tokens (needs a {@link #tokenCounter}). */
        public Builder maxTokens(int value) {
            this.maxTokens = value;
            return this;
        }

        public Builder tokenCounter(TokenCounter counter) {
            this.tokenCounter = counter;
            return this;
        }

        /** What to do with e-mail addresses; default {@link PiiAction#IGNORE}. */
        public Builder emails(PiiAction action) {
            this.emails = Objects.requireNonNull(action, "action");
            return this;
        }

        /** What to do with phone numbers; default {@link PiiAction#IGNORE}. */
        public Builder phoneNumbers(PiiAction action) {
            this.phoneNumbers = Objects.requireNonNull(action, "action");
            return this;
        }

        public Cleaner build() {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("nearDuplicateThreshold must be in (0, 1], got " + threshold);
            }
            if (shingleSize <= 0) {
                throw new IllegalArgumentException("shingleSize must be positive, got " + shingleSize);
            }
            if (permutations <= 0) {
                throw new IllegalArgumentException("permutations must be positive, got " + permutations);
            }
            if (bands < 0 || (bands > 0 && permutations % bands != 0)) {
                throw new IllegalArgumentException("bands must divide permutations (" + permutations + "), got "
                        + bands);
            }
            if (minTokens < 0 || maxTokens < 0) {
                throw new IllegalArgumentException("token limits must be >= 0");
            }
            if (maxTokens > 0 && minTokens > maxTokens) {
                throw new IllegalArgumentException("minTokens " + minTokens + " > maxTokens " + maxTokens);
            }
            if ((minTokens > 0 || maxTokens > 0) && tokenCounter == null) {
                throw new IllegalArgumentException("token-length filters need a tokenCounter");
            }
            return new Cleaner(this);
        }
    }
}
