package io.tunebook.eval.client;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An API key read from the environment. It is only ever written into an {@code Authorization}
 * header; {@link #redact} removes it from any text that might echo it back (an error body, an
 * exception message) and {@link #toString} never shows it.
 */
final class ApiKey {
    private final Optional<String> value;

    private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@?#]*@");
    private final Pattern pattern;

    private ApiKey(Optional<String> value) {
        this.value = value;
        this.pattern = value.map(k -> Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(k) + "(?![\\p{L}\\p{N}])"))
                .orElse(null);
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

    /**
     * {@code text} with every whole-token occurrence of the key (not inside a longer run of letters and
     * digits, so a short key does not mangle words that contain it) replaced by {@code [api key]}.
     */
    String redact(String text) {
        if (text == null || value.isEmpty()) {
            return text;
        }
        return pattern.matcher(text).replaceAll("[api key]");
    }

    /** A URI as it may be printed: a {@code user:password@} part is masked. */
    static String maskCredentials(Object uri) {
        return uri == null ? null : USER_INFO.matcher(uri.toString()).replaceFirst("$1***@");
    }

    @Override
    public String toString() {
        return value.isPresent() ? "[set]" : "[none]";
    }
}
