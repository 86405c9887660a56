package io.tunebook.eval.client;

import java.util.Optional;
import java.util.function.Function;

/**
 * An API key read from the environment. It is only ever written into an {@code Authorization}
 * header; {@link #redact} removes it from any text that might echo it back (an error body, an
 * exception message) and {@link #toString} never shows it.
 */
final class ApiKey {
    private final Optional<String> value;

    private ApiKey(Optional<String> value) {
        this.value = value;
    }

    /**
     * The key in {@code variable}; none when no variable is named.
     *
     * @throws IllegalArgumentException naming the variable (not its content) when it is unset or blank
     */
    static ApiKey fromEnvironment(Optional<String> variable, Function<String, String> environment) {
        if (variable.isEmpty()) {
            return new ApiKey(Optional.empty());
        }
        String v = environment.apply(variable.get());
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable.get()
                    + " (the API key) is not set");
        }
        return new ApiKey(Optional.of(v.strip()));
    }

    Optional<String> authorizationHeader() {
        return value.map(k -> "Bearer " + k);
    }

    String redact(String text) {
        if (text == null || value.isEmpty()) {
            return text;
        }
        return text.replace(value.get(), "[api key]");
    }

    @Override
    public String toString() {
        return value.isPresent() ? "[set]" : "[none]";
    }
}
