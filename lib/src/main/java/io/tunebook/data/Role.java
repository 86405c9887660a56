package io.tunebook.data;

import java.util.Locale;
import java.util.Optional;

/** Who speaks a message. Each role has its name in the OpenAI convention and in ShareGPT's. */
public enum Role {
    SYSTEM("system", "system"),
    USER("user", "human"),
    ASSISTANT("assistant", "gpt");

    /** The role names {@link #parse} accepts, for error messages. */
    public static final String ACCEPTED_NAMES = "system, user, human, assistant, gpt";

    private final String openAiName;
    private final String shareGptName;

    Role(String openAiName, String shareGptName) {
        this.openAiName = openAiName;
        this.shareGptName = shareGptName;
    }

    /** {@code system}, {@code user} or {@code assistant}: the {@code role} of an OpenAI message. */
    public String openAiName() {
        return openAiName;
    }

    /** {@code system}, {@code human} or {@code gpt}: the {@code from} of a ShareGPT turn. */
    public String shareGptName() {
        return shareGptName;
    }

    /**
     * The role a name stands for in either convention ({@code user} and {@code human},
     * {@code assistant} and {@code gpt}, {@code system}), ignoring case; empty for any other name
     * ({@code tool}, {@code function}, ...).
     */
    public static Optional<Role> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "system":
                return Optional.of(SYSTEM);
            case "user":
            case "human":
                return Optional.of(USER);
            case "assistant":
            case "gpt":
                return Optional.of(ASSISTANT);
            default:
                return Optional.empty();
        }
    }
}
