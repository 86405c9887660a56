package io.tunebook.eval.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeyTest {
    private static ApiKey key(String value) {
        return ApiKey.fromEnvironment(Optional.of("K"), Map.of("K", value)::get);
    }

    @Test
    void redactionReplacesWholeTokensOfTheKeyOnly() {
        ApiKey k = key("sk-Secret123");
        assertEquals("echo [api key], and \"[api key]\".", k.redact("echo sk-Secret123, and \"sk-Secret123\"."));
        assertEquals("Bearer [api key]", k.redact("Bearer sk-Secret123"));
        // A short key is not cut out of the words that happen to contain it.
        ApiKey shortKey = key("abc");
        assertEquals("abcdef xabc [api key].", shortKey.redact("abcdef xabc abc."));
        assertFalse(k.redact("key=sk-Secret123&x").contains("Secret123"));
    }

    @Test
    void credentialsInUrlsAreMasked() {
        assertEquals("https://***@judge.local:8443/v1/chat/completions",
                ApiKey.maskCredentials(URI.create("https://user:pa55word@judge.local:8443/v1/chat/completions")));
        assertEquals("http://127.0.0.1:8000/v1?a=b@c", ApiKey.maskCredentials("http://127.0.0.1:8000/v1?a=b@c"));
    }
}
