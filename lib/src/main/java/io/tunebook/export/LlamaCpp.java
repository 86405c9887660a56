package io.tunebook.export;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp itself, run on a GGUF file through the repository's {@code llama-cpp/run.mjs}
 * (node-llama-cpp's prebuilt CPU binaries, pinned by {@code llama-cpp/package-lock.json}): the
 * export tests and notebook 07 ask it to tokenize, decode greedily, score tokens and render chat
 * templates. Nothing is installed here: run {@code npm ci} in that folder first (the tests do).
 */
public final class LlamaCpp {
    private static final Gson GSON = new Gson();
    private final Path dir;

    private LlamaCpp(Path dir) {
        this.dir = dir;
    }

    /**
     * The runner in {@code dir} (the repository's {@code llama-cpp} folder).
     *
     * @throws IllegalStateException naming what is missing: the script, or its installed packages
     */
    public static LlamaCpp at(Path dir) {
        if (!Files.isRegularFile(dir.resolve("run.mjs"))) {
            throw new IllegalStateException(dir.toAbsolutePath().normalize() + ": run.mjs is missing (the llama-cpp folder"
                    + " of the tunebook repository holds it)");
        }
        if (!Files.isDirectory(dir.resolve("node_modules/node-llama-cpp"))) {
            throw new IllegalStateException(dir.toAbsolutePath().normalize() + ": node-llama-cpp is not installed; run"
                    + " `npm ci` there (Node.js 20 or later)");
        }
        return new LlamaCpp(dir);
    }

    /** Runs one request (see run.mjs for its fields) and returns llama.cpp's answer. */
    public JsonObject run(JsonObject request) {
        Path file = null;
        try {
            file = Files.createTempFile("llama-cpp-request", ".json");
            Files.writeString(file, GSON.toJson(request));
            Path errors = Files.createTempFile("llama-cpp-stderr", ".txt");
            Process p = new ProcessBuilder("node", dir.resolve("run.mjs").toAbsolutePath().toString(), file.toString())
                    .directory(dir.toFile()).redirectError(errors.toFile()).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("llama.cpp did not answer within 10 minutes");
            }
            String stderr = Files.readString(errors);
            Files.deleteIfExists(errors);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("llama.cpp (node " + dir.resolve("run.mjs") + ") failed with exit code "
                        + p.exitValue() + ": " + stderr.strip());
            }
            return JsonParser.parseString(stdout).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run node (Node.js 20 or later must be on the PATH): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while llama.cpp ran", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    /** llama.cpp's greedy answer to {@code promptIds}, stopped at an end-of-generation token. */
    public String answer(Path gguf, long[] promptIds, int maxTokens) {
        JsonObject answer = new JsonObject();
        answer.add("prompt", ids(promptIds));
        answer.addProperty("max_tokens", maxTokens);
        JsonObject request = request(gguf);
        request.add("answer", answer);
        return run(request).getAsJsonObject("answer").get("text").getAsString();
    }

    /** A request on {@code gguf}, to which the caller adds what it asks. */
    public static JsonObject request(Path gguf) {
        JsonObject request = new JsonObject();
        request.addProperty("model", gguf.toAbsolutePath().toString());
        return request;
    }

    /**
     * A request that scores {@code continuation} after {@code prompt}, teacher-forced: its answer's
     * {@code score.logprobs[i]} is llama.cpp's log-probability of {@code continuation[i]} and
     * {@code score.top[i]} its most probable token there.
     */
    public static JsonObject scoreRequest(Path gguf, long[] prompt, long[] continuation) {
        JsonObject score = new JsonObject();
        score.add("prompt", ids(prompt));
        score.add("continuation", ids(continuation));
        JsonObject request = request(gguf);
        request.add("score", score);
        return request;
    }

    /** A JSON array of token ids. */
    public static JsonArray ids(long[] ids) {
        JsonArray a = new JsonArray();
        for (long id : ids) {
            a.add(id);
        }
        return a;
    }

    /** Token ids from a JSON array. */
    public static long[] ids(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    /** The messages of a chat request. */
    public static JsonArray messages(List<String[]> roleAndContent) {
        JsonArray a = new JsonArray();
        for (String[] m : roleAndContent) {
            JsonObject o = new JsonObject();
            o.addProperty("role", m[0]);
            o.addProperty("content", m[1]);
            a.add(o);
        }
        return a;
    }
}
