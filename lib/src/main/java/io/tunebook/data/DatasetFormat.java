package io.tunebook.data;

import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The row formats tunebook reads and writes. Every one is read into the same {@link Conversation}
 * model; a file's format is detected from its first rows ({@link #guess}) unless it is forced.
 */
public enum DatasetFormat {
    /** {@code instruction}, {@code input}, {@code output}, optional {@code system} and {@code history}. */
    ALPACA("alpaca", new AlpacaCodec()),
    /** {@code conversations}: a list of {@code from} (human, gpt, system) and {@code value}. */
    SHAREGPT("sharegpt", ChatCodec.SHAREGPT),
    /** OpenAI / ChatML {@code messages}: a list of {@code role} and {@code content}. */
    OPENAI("openai", ChatCodec.OPENAI),
    /** {@code input} and {@code output}. */
    INPUT_OUTPUT("input-output", new InputOutputCodec()),
    /** {@code prompt} and {@code completion}. */
    PROMPT_COMPLETION("prompt-completion", new PromptCompletionCodec()),
    /** Preference pairs: {@code prompt}, {@code chosen}, {@code rejected}. */
    PREFERENCE("preference", new PreferenceCodec());

    private final String id;
    private final FormatCodec codec;

    DatasetFormat(String id, FormatCodec codec) {
        this.id = id;
        this.codec = codec;
    }

    /** The name used on the command line and in reports: {@code alpaca}, {@code sharegpt}, .... */
    public String id() {
        return id;
    }

    /** The fields that make a row's content, as reports name them ({@code instruction/input/output}). */
    public String contentFields() {
        return codec.contentFields();
    }

    /**
     * The format a name stands for: its {@link #id()} or an alias ({@code chatml} and
     * {@code messages} for OpenAI, {@code io} for input-output, {@code completion} for
     * prompt-completion, {@code dpo} for preference), ignoring case, {@code _} as {@code -}.
     */
    public static DatasetFormat parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        switch (n) {
            case "chatml":
            case "messages":
                return OPENAI;
            case "io":
                return INPUT_OUTPUT;
            case "completion":
                return PROMPT_COMPLETION;
            case "dpo":
            case "pairs":
                return PREFERENCE;
            default:
                for (DatasetFormat f : values()) {
                    if (f.id.equals(n)) {
                        return f;
                    }
                }
                throw new IllegalArgumentException("unknown dataset format '" + name + "' (expected one of "
                        + Arrays.stream(values()).map(DatasetFormat::id).collect(Collectors.joining(", ")) + ")");
        }
    }

    /**
     * The format a row's fields suggest: {@code conversations} → ShareGPT, {@code messages} →
     * OpenAI, {@code chosen}/{@code rejected} → preference, {@code instruction} → Alpaca,
     * {@code prompt}/{@code completion} → prompt-completion, {@code input}/{@code output} →
     * input-output.
     */
    public static Optional<DatasetFormat> guess(JsonObject row) {
        if (row.has("conversations")) {
            return Optional.of(SHAREGPT);
        }
        if (row.has("messages")) {
            return Optional.of(OPENAI);
        }
        if (row.has("chosen") || row.has("rejected")) {
            return Optional.of(PREFERENCE);
        }
        if (row.has("instruction")) {
            return Optional.of(ALPACA);
        }
        if (row.has("prompt") || row.has("completion")) {
            return Optional.of(PROMPT_COMPLETION);
        }
        if (row.has("input") || row.has("output")) {
            return Optional.of(INPUT_OUTPUT);
        }
        return Optional.empty();
    }

    /** The example as a row of this format; a {@link ConversionException} when it cannot hold it. */
    public JsonObject toJson(Example example) {
        return codec.write(example, this);
    }

    /** Reads one row of this format: the example, or the issues that keep it out. */
    ParsedRow read(JsonObject row, Source source) {
        RowContext ctx = new RowContext(source, row, this);
        Example e = codec.read(ctx);
        return ctx.hasIssues() || e == null ? new ParsedRow(null, ctx.issues()) : new ParsedRow(e, List.of());
    }
}
