package io.tunebook.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.io.AtomicFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes {@code metrics.jsonl}: one JSON object per logged step ({@code step}, {@code epoch},
 * {@code loss}, {@code lr}, {@code grad_norm}, {@code tokens_per_second}, {@code elapsed_s}, and for
 * preference tuning TRL's {@code rewards/chosen}, {@code rewards/rejected}, {@code rewards/accuracies},
 * {@code rewards/margins}, {@code logps/chosen}, {@code logps/rejected}) and one per evaluation
 * ({@code step}, {@code eval_loss}, and those metrics prefixed {@code eval_}, as TRL logs them), flushed line by line so a crash loses at
 * most the line being written.
 */
public final class MetricsLog implements TrainerCallback, AutoCloseable {
    private static final Gson GSON = new GsonBuilder().serializeNulls().create();
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
     * run resumes from) are dropped, so the log reads as one uninterrupted run. So is a torn last line
     * (the process died while writing it; a file system may also pad it with NUL bytes): it belongs to a
     * step after the checkpoint. A line that cannot be read anywhere else is an error.
     */
    public static MetricsLog resume(Path file, int step) throws IOException {
        List<String> lines = Files.exists(file)
                ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().map(l -> l.replace("\0", ""))
                        .filter(l -> !l.isBlank()).collect(Collectors.toList())
                : new ArrayList<>();
        if (!lines.isEmpty() && !readable(lines.get(lines.size() - 1))) {
            lines.remove(lines.size() - 1);
        }
        List<String> kept = lines.stream().filter(l -> stepOf(file, l) <= step).collect(Collectors.toList());
        // Replaced at once: a crash here must not lose the log of the steps before the checkpoint.
        AtomicFile.write(file, kept.isEmpty() ? new byte[0]
                : (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
        return new MetricsLog(Files.newBufferedWriter(file, StandardOpenOption.APPEND));
    }

    private static boolean readable(String line) {
        return step(line) != null;
    }

    /** The step of a metrics line, or null when it is not one. */
    private static Integer step(String line) {
        try {
            return JsonParser.parseString(line).getAsJsonObject().get("step").getAsInt();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int stepOf(Path file, String line) {
        Integer step = step(line);
        if (step == null) {
            throw new IllegalArgumentException(file + ": not a metrics line: " + line);
        }
        return step;
    }

    @Override
    public void onStep(StepMetrics m) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", m.step());
        if (!Double.isNaN(m.epoch())) {
            line.put("epoch", Math.round(m.epoch() * 1e4) / 1e4);
        }
        line.put("loss", finite(m.loss()));
        line.put("lr", finite(m.learningRate()));
        line.put("grad_norm", finite(m.gradNorm()));
        line.put("tokens_per_second", finite(m.tokensPerSecond()));
        line.put("elapsed_s", finite(m.elapsedSeconds()));
        m.extras().forEach((k, v) -> line.put(k, finite(v)));
        write(line);
    }

    @Override
    public void onEvaluate(int step, double evalLoss) {
        onEvaluate(step, evalLoss, Map.of());
    }

    @Override
    public void onEvaluate(int step, double evalLoss, Map<String, Double> metrics) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("eval_loss", finite(evalLoss));
        metrics.forEach((k, v) -> {
            if (!k.equals("loss")) {
                line.put("eval_" + k, finite(v));
            }
        });
        write(line);
    }

    /** JSON has no NaN or Infinity: a non-finite value is written as null. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
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
