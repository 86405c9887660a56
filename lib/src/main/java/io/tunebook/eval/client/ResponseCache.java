package io.tunebook.eval.client;

import io.tunebook.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Answers kept on disk, one file per request, named by the SHA-256 of the endpoint, the model and
 * the request body: re-running a notebook asks nothing twice. Only response bodies are stored,
 * never a header, so an API key cannot end up here. Files are written atomically; a half-written
 * cache cannot exist, and concurrent writers of one entry write the same bytes.
 */
final class ResponseCache {
    private final Path dir;

    ResponseCache(Path dir) {
        this.dir = dir;
    }

    static String key(String endpoint, String model, String body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {endpoint, model, body}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    Optional<String> get(String key) {
        try {
            return Optional.of(Files.readString(file(key), StandardCharsets.UTF_8));
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cache entry " + file(key) + ": " + e.getMessage(), e);
        }
    }

    void put(String key, String responseBody) {
        Path target = file(key);
        try {
            Files.createDirectories(target.getParent());
            byte[] bytes = responseBody.getBytes(StandardCharsets.UTF_8);
            AtomicFile.write(target, out -> {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write cache entry " + target + ": " + e.getMessage(), e);
        }
    }

    private Path file(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key + ".json");
    }
}
