package io.tunebook.eval.client;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Random;

/**
 * How long to wait before a retry: what the server asked for in {@code Retry-After} (or OpenAI's
 * {@code retry-after-ms}), else an exponential backoff with jitter so that many clients hit by the
 * same outage do not come back all at once. Never more than the configured maximum.
 */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final Random random;

    Backoff(Duration initial, Duration max, Random random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The wait before retry number {@code retry} (0 for the first retry). */
    Duration delay(int retry, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            return min(retryAfter.get(), max);
        }
        double exponential = initial.toMillis() * Math.pow(2, Math.min(retry, 30));
        double capped = Math.min(exponential, max.toMillis());
        // Jitter between half and all of the exponential step.
        return Duration.ofMillis(Math.round(capped * (0.5 + 0.5 * random.nextDouble())));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * The wait a response asks for: {@code retry-after-ms}, else {@code Retry-After} as seconds or as
     * an HTTP date; empty when absent or unreadable.
     */
    static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(ms.get().trim())))));
            } catch (NumberFormatException ignored) {
                // Fall through to Retry-After.
            }
        }
        Optional<String> value = headers.firstValue("retry-after");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().trim();
        try {
            return Optional.of(Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(v) * 1000))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
