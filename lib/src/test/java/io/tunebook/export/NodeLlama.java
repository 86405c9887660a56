package io.tunebook.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The repository's llama.cpp runner for tests: installs node-llama-cpp with {@code npm ci} from the
 * committed lockfile (once per lockfile: a stamp in node_modules records its hash), then hands out
 * {@link LlamaCpp}. Fails, never skips, when Node.js, npm or the packages are missing.
 */
final class NodeLlama {
    static final Path DIR = Path.of("../llama-cpp");
    private static LlamaCpp installed;

    private NodeLlama() {
    }

    static synchronized LlamaCpp get() throws IOException, InterruptedException {
        if (installed == null) {
            install();
            installed = LlamaCpp.at(DIR);
        }
        return installed;
    }

    private static void install() throws IOException, InterruptedException {
        Path lock = DIR.resolve("package-lock.json");
        Path stamp = DIR.resolve("node_modules/.tunebook-lock-sha256");
        String hash = sha256(Files.readAllBytes(lock));
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(hash)
                && Files.isDirectory(DIR.resolve("node_modules/node-llama-cpp"))) {
            return;
        }
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError("`npm ci` in " + DIR.toAbsolutePath().normalize() + " failed: " + log);
        }
        Files.writeString(stamp, hash);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
