package io.tunebook.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.model.safetensors.AtomicFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes {@code metrics.jsonl}: one JSON object per logged step ({@code step}, {@code epoch},
 * {@code loss}, {@code lr}, {@code grad_norm}, {@code tokens_per_second}, {@code elapsed_s}) and
 * one per evaluation ({@code step}, {@code eval_loss}), flushed line by line so a crash loses at
 * most the line being written.
 */
public final class MetricsLog implements TrainerCallback, AutoCloseable {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private final BufferedWriter out;

    private MetricsLog(BufferedWriter out) {
        this.out = out;
    }

    /** A new log, replacing any previous file. */
    public static MetricsLog create(Path file) throws IOException {
        return new MetricsLog(Files.newBufferedWriter(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    /**
     * Continues the log of a resumed run: lines after {@code step} (written after the checkpoint the
     * run resumes from) are dropped, so the log reads as one uninterrupted run.
     */
    public static MetricsLog resume(Path file, int step) throws IOException {
        List<String> kept = Files.exists(file)
                ? Files.readAllLines(file).stream().filter(l -> !l.isBlank())
                        .filter(l -> stepOf(file, l) <= step).collect(Collectors.toList())
                : List.of();
        // Replaced at once: a crash here must not lose the log of the steps before the checkpoint.
        AtomicFile.write(file, kept.isEmpty() ? new byte[0]
                : (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
        return new MetricsLog(Files.newBufferedWriter(file, StandardOpenOption.APPEND));
    }

    private static int stepOf(Path file, String line) {
        try {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            return o.get("step").getAsInt();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a metrics line: " + line, e);
        }
    }

    @Override
    public void onStep(StepMetrics m) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", m.step());
        if (!Double.isNaN(m.epoch())) {
            line.put("epoch", Math.round(m.epoch() * 1e4) / 1e4);
        }
        line.put("loss", m.loss());
        line.put("lr", m.learningRate());
        line.put("grad_norm", m.gradNorm());
        line.put("tokens_per_second", m.tokensPerSecond());
        line.put("elapsed_s", m.elapsedSeconds());
        write(line);
    }

    @Override
    public void onEvaluate(int step, double evalLoss) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("eval_loss", evalLoss);
        write(line);
    }

    private void write(Map<String, Object> line) {
        try {
            out.write(GSON.toJson(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
