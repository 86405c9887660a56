package io.tunebook.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns examples into token sequences for supervised fine-tuning: the conversation rendered by a
 * chat template, tokenized once, with labels on the assistant turns only (completion-only loss, as
 * TRL's {@code assistant_only_loss}) or on every token, and an explicit {@link Truncation} policy.
 *
 * <p>Every assistant turn of a multi-turn conversation is learnt, with the template's end-of-turn
 * text ({@code <|im_end|>}, {@code <|eot_id|>}, {@code </s>}) that the model must learn to emit;
 * whitespace the template writes after it is not. To find a turn in the rendered text, the
 * conversation up to the turn is rendered with {@code add_generation_prompt} and the
 * conversation including the turn without it: the turn is the text between. This holds for any
 * template whose rendering of a conversation starts with the rendering of each of its prefixes; a
 * template that is not (one that moves the system message to the last user turn, or rewrites earlier
 * assistant turns) is refused with a {@link ChatTemplateException}, unless all tokens are trained on.
 *
 * <p>Preference pairs are refused: train on the chosen answers with
 * {@code dataset.map(Example::withoutRejected)}.
 *
 * <pre>{@code
 * ChatFormatter formatter = ChatFormatter.builder(tokenizer)   // io.tunebook.model.Tokenizer
 *         .maxSeqLength(512).truncation(Truncation.TRUNCATE_RIGHT).build();
 * TokenizedDataset train = formatter.tokenize(splits.train());
 * System.out.println(train.report());
 * }</pre>
 */
public final class ChatFormatter {
    /** Default {@link Builder#maxSeqLength}, TRL's {@code max_length}. */
    public static final int DEFAULT_MAX_SEQ_LENGTH = 1024;

    private final TextEncoder encoder;
    private final ChatTemplate template;
    private final int maxSeqLength;
    private final Truncation truncation;
    private final boolean trainOnAllTokens;
    private final Map<String, Object> variables;

    private ChatFormatter(Builder b) {
        this.encoder = b.encoder;
        this.template = b.template != null ? b.template : encoder.chatTemplate()
                .map(source -> ChatTemplate.of("chat_template of the tokenizer", source))
                .orElseThrow(() -> new IllegalArgumentException("the tokenizer has no chat_template: choose one "
                        + "with template(ChatTemplate.builtIn(name)), name one of " + String.join(", ",
                        ChatTemplate.BUILT_IN)));
        this.maxSeqLength = b.maxSeqLength;
        this.truncation = b.truncation;
        this.trainOnAllTokens = b.trainOnAllTokens;
        Map<String, Object> vars = new HashMap<>(encoder.specialTokens());
        vars.putAll(b.variables);
        this.variables = Collections.unmodifiableMap(vars);
    }

    public static Builder builder(TextEncoder encoder) {
        return new Builder(encoder);
    }

    public ChatTemplate template() {
        return template;
    }

    public int maxSeqLength() {
        return maxSeqLength;
    }

    public Truncation truncation() {
        return truncation;
    }

    public boolean trainOnAllTokens() {
        return trainOnAllTokens;
    }

    /** The text the model is trained on for {@code example}: its conversation rendered by the template. */
    public String render(Example example) {
        return render(example.conversation().messages(), false, example);
    }

    /**
     * Tokenizes every example, applying the truncation policy; the report counts what was kept,
     * truncated and dropped.
     *
     * @throws ChatTemplateException naming the example when the template fails on it
     * @throws IllegalArgumentException naming the example for a preference pair
     */
    public TokenizedDataset tokenize(Iterable<Example> examples) {
        List<TokenizedExample> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        int total = 0;
        int truncated = 0;
        int tooLong = 0;
        int noLabels = 0;
        long tokens = 0;
        long learnt = 0;
        int longest = 0;
        for (Example e : examples) {
            total++;
            Layout layout = layout(e);
            Labelled labelled = label(layout);
            TokenizedExample full = labelled.slice(0, labelled.length());
            TokenizedExample t = full.length() <= maxSeqLength ? full : truncate(labelled, layout);
            String reason = null;
            if (t == null) {
                tooLong++;
                reason = full.length() + " tokens, more than " + maxSeqLength;
            } else if (t.labelledTokens() == 0) {
                noLabels++;
                reason = full.labelledTokens() == 0 ? "no assistant turn to learn"
                        : "nothing left to learn after " + truncation;
            }
            if (reason != null) {
                if (dropped.size() < TokenizationReport.MAX_LISTED) {
                    dropped.add(e.source() + ": " + reason);
                }
                continue;
            }
            if (t != full) {
                truncated++;
            }
            kept.add(t);
            tokens += t.length();
            learnt += t.labelledTokens();
            longest = Math.max(longest, t.length());
        }
        return new TokenizedDataset(kept, new TokenizationReport(total, kept.size(), truncated, tooLong, noLabels,
                tokens, learnt, longest, maxSeqLength, truncation, dropped));
    }

    /**
     * The rendered conversation, where each message starts, and the character spans to learn (all
     * assistant turns, or the whole text with {@code trainOnAllTokens}).
     */
    private record Layout(String text, int[] messageStarts, List<int[]> learnt) {
    }

    private Layout layout(Example e) {
        if (e.isPreference()) {
            throw new IllegalArgumentException(e.source() + ": a preference pair (prompt/chosen/rejected); "
                    + "supervised fine-tuning learns one answer: use dataset.map(Example::withoutRejected) to learn "
                    + "the chosen ones");
        }
        List<Message> messages = e.conversation().messages();
        String full = render(messages, false, e);
        if (trainOnAllTokens) {
            return new Layout(full, new int[0], List.<int[]>of(new int[] {0, full.length()}));
        }
        int[] starts = new int[messages.size()];
        List<int[]> learnt = new ArrayList<>();
        String previous = "";
        for (int j = 0; j < messages.size(); j++) {
            String upTo = j == messages.size() - 1 ? full : render(messages.subList(0, j + 1), false, e);
            requirePrefix(previous, upTo, j, e);
            requirePrefix(upTo, full, j + 1, e);
            starts[j] = previous.length();
            if (messages.get(j).role() == Role.ASSISTANT) {
                String prompt = render(messages.subList(0, j), true, e);
                requirePrefix(previous, prompt, j, e);
                requirePrefix(prompt, upTo, j + 1, e);
                learnt.add(new int[] {prompt.length(), endOfTurn(upTo, prompt.length())});
            }
            previous = upTo;
        }
        return new Layout(full, starts, learnt);
    }

    /** The end of an assistant turn: its text and end-of-turn token, without whitespace the template adds after. */
    private static int endOfTurn(String text, int start) {
        int end = text.length();
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private void requirePrefix(String prefix, String text, int messages, Example e) {
        if (text.startsWith(prefix)) {
            return;
        }
        int at = 0;
        while (at < prefix.length() && at < text.length() && prefix.charAt(at) == text.charAt(at)) {
            at++;
        }
        throw new ChatTemplateException(e.source() + ": chat template " + template.name() + " is not prefix-stable: "
                + "its rendering of the first " + messages + " messages is not the start of its rendering of more "
                + "(they differ at character " + at + ": " + excerpt(prefix, at) + " vs " + excerpt(text, at) + "), "
                + "so assistant turns cannot be located for completion-only labels. Train on all tokens "
                + "(trainOnAllTokens(true)) or use another template.");
    }

    private static String excerpt(String s, int at) {
        return at >= s.length() ? "<end>" : '"' + s.substring(at, Math.min(s.length(), at + 30)) + '"';
    }

    private String render(List<Message> messages, boolean generationPrompt, Example e) {
        try {
            return template.render(messages, generationPrompt, variables);
        } catch (ChatTemplateException ex) {
            throw new ChatTemplateException(e.source() + ": " + ex.getMessage(), ex);
        }
    }

    /** Tokens of the rendered text with their labels and character starts. */
    private record Labelled(EncodedText encoded, long[] labels) {
        int length() {
            return labels.length;
        }

        TokenizedExample slice(int from, int to) {
            return new TokenizedExample(Arrays.copyOfRange(encoded.ids(), from, to), Arrays.copyOfRange(labels, from, to));
        }
    }

    /** Tokenizes the text once; a token is learnt when its span overlaps a learnt span. */
    private Labelled label(Layout layout) {
        EncodedText enc = encoder.encodeWithOffsets(layout.text());
        long[] labels = new long[enc.size()];
        Arrays.fill(labels, TokenizedExample.IGNORE_INDEX);
        for (int t = 0; t < enc.size(); t++) {
            int start = enc.starts()[t];
            int end = Math.max(enc.ends()[t], start + 1);
            for (int[] span : layout.learnt()) {
                if (start < span[1] && end > span[0]) {
                    labels[t] = enc.ids()[t];
                    break;
                }
            }
        }
        return new Labelled(enc, labels);
    }

    /** An over-long example cut to {@code maxSeqLength} by the policy; null to drop it. */
    private TokenizedExample truncate(Labelled tokens, Layout layout) {
        int length = tokens.length();
        return switch (truncation) {
            case DROP -> null;
            case TRUNCATE_RIGHT -> tokens.slice(0, maxSeqLength);
            case TRUNCATE_LEFT -> tokens.slice(leftCut(tokens.encoded(), length - maxSeqLength, layout), length);
        };
    }

    /** The token where the first message starting at or after token {@code earliest} begins, else {@code earliest}. */
    private static int leftCut(EncodedText enc, int earliest, Layout layout) {
        for (int start : layout.messageStarts()) {
            int t = 0;
            while (t < enc.size() && enc.starts()[t] < start) {
                t++;
            }
            if (t >= earliest && t < enc.size()) {
                return t;
            }
        }
        return earliest;
    }

    /** Options of a {@link ChatFormatter}; see each setter for its default. */
    public static final class Builder {
        private final TextEncoder encoder;
        private ChatTemplate template;
        private int maxSeqLength = DEFAULT_MAX_SEQ_LENGTH;
        private Truncation truncation = Truncation.DROP;
        private boolean trainOnAllTokens;
        private final Map<String, Object> variables = new HashMap<>();

        private Builder(TextEncoder encoder) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
        }

        /** The chat template; default: the tokenizer's own, and an error when it has none. */
        public Builder template(ChatTemplate template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /** Longest sequence in tokens; default {@value ChatFormatter#DEFAULT_MAX_SEQ_LENGTH}. */
        public Builder maxSeqLength(int maxSeqLength) {
            if (maxSeqLength < 2) {
                throw new IllegalArgumentException("maxSeqLength must be at least 2, got " + maxSeqLength);
            }
            this.maxSeqLength = maxSeqLength;
            return this;
        }

        /** What to do with longer examples; default {@link Truncation#DROP}. */
        public Builder truncation(Truncation truncation) {
            this.truncation = Objects.requireNonNull(truncation, "truncation");
            return this;
        }

        /**
         * Learn every token (prompts and system messages too) instead of the assistant turns only;
         * default false (completion-only loss).
         */
        public Builder trainOnAllTokens(boolean trainOnAllTokens) {
            this.trainOnAllTokens = trainOnAllTokens;
            return this;
        }

        /** An extra template variable (e.g. {@code date_string}); it may override a special token. */
        public Builder templateVariable(String name, Object value) {
            if (name.equals("messages") || name.equals("add_generation_prompt")) {
                throw new IllegalArgumentException("'" + name + "' is set for each rendering, not by the formatter");
            }
            variables.put(name, value);
            return this;
        }

        public ChatFormatter build() {
            return new ChatFormatter(this);
        }
    }
}
