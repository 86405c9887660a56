package io.tunebook.display;

import io.tunebook.eval.ConfidenceInterval;
import io.tunebook.eval.EvaluationResult;
import io.tunebook.eval.ExampleResult;
import io.tunebook.eval.Metric;
import io.tunebook.eval.MetricSummary;
import io.tunebook.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * An evaluation at a glance: the summary (each candidate's value of each metric with its 95%
 * interval, and its difference from the reference with the paired interval, starred when the
 * interval leaves out zero), a bar chart of the main (first) metric, the pairwise verdicts, and the
 * examples with long text cut to {@value #CELL_WIDTH} characters. {@link #saveHtml} writes it as a
 * page that carries its own chart.
 */
public final class EvaluationView implements Displayable {
    /** Characters a text cell of the examples table shows. */
    public static final int CELL_WIDTH = 120;
    /** Examples the view shows; the JSON has them all. */
    public static final int EXAMPLE_ROWS = 20;
    /** The file {@link #saveHtml} writes in a run directory. */
    public static final String HTML_FILE = "evaluation.html";

    private final EvaluationResult result;

    private EvaluationView(EvaluationResult result) {
        this.result = result;
    }

    public static EvaluationView of(EvaluationResult result) {
        return new EvaluationView(result);
    }

    /** One row a candidate; per metric {@code value [low, high]} and {@code Δ [low, high]}. */
    public Table summary() {
        StringColumn name = StringColumn.create("candidate");
        List<Column<?>> columns = new ArrayList<>(List.of(name));
        result.candidates().forEach(name::append);
        for (Metric m : result.metrics()) {
            StringColumn value = StringColumn.create(m.key() + better(m));
            StringColumn delta = StringColumn.create("Δ " + m.key());
            for (String c : result.candidates()) {
                MetricSummary s = result.summary(c, m);
                value.append(interval(s.value(), false));
                delta.append(s.difference().map(d -> interval(d, true) + (d.excludesZero() ? " *" : "")).orElse("—"));
            }
            columns.add(value);
            columns.add(delta);
        }
        return Table.create(result.dataset() + ": " + result.examples().size() + " examples, 95% bootstrap intervals, "
                + "Δ from " + result.reference() + " (* the interval leaves out 0)", columns.toArray(Column<?>[]::new));
    }

    private static String better(Metric m) {
        return switch (m.better()) {
            case HIGHER -> " ↑";
            case LOWER -> " ↓";
            case NEITHER -> "";
        };
    }

    static String interval(ConfidenceInterval e, boolean signed) {
        if (!e.isPresent()) {
            return "n/a";
        }
        String f = signed ? "%+.4g" : "%.4g";
        return String.format(Locale.ROOT, f + " [" + f + ", " + f + "]", e.value(), e.low(), e.high());
    }

    /** The first {@value #EXAMPLE_ROWS} examples: text cut to {@value #CELL_WIDTH}, the main metric per candidate. */
    public Table examples() {
        Metric main = result.metrics().get(0);
        StringColumn id = StringColumn.create("id");
        StringColumn prompt = StringColumn.create("prompt");
        StringColumn reference = StringColumn.create("reference");
        List<Column<?>> columns = new ArrayList<>(List.of(id, prompt, reference));
        List<StringColumn> answers = new ArrayList<>();
        for (String c : result.candidates()) {
            StringColumn a = StringColumn.create(c);
            StringColumn s = StringColumn.create(c + ": " + main.key());
            answers.add(a);
            answers.add(s);
            columns.add(a);
            columns.add(s);
        }
        for (ExampleResult e : result.examples().subList(0, Math.min(EXAMPLE_ROWS, result.examples().size()))) {
            id.append(e.id());
            prompt.append(Tables.truncate(e.prompt(), CELL_WIDTH));
            reference.append(Tables.truncate(e.reference(), CELL_WIDTH));
            int k = 0;
            for (String c : result.candidates()) {
                answers.get(k++).append(Tables.truncate(e.answers().get(c), CELL_WIDTH));
                double v = e.scores().get(c).get(main);
                answers.get(k++).append(Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4g", v));
            }
        }
        int shown = Math.min(EXAMPLE_ROWS, result.examples().size());
        return Table.create("Examples (" + shown + " of " + result.examples().size() + ")",
                columns.toArray(Column<?>[]::new));
    }

    /** Bars of the main metric per candidate; empty when no candidate has it. */
    public byte[] chart() {
        Metric main = result.metrics().get(0);
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (String c : result.candidates()) {
            ConfidenceInterval e = result.summary(c, main).value();
            if (e.isPresent()) {
                names.add(c);
                values.add(e.value());
            }
        }
        if (names.isEmpty()) {
            return new byte[0];
        }
        CategoryChart chart = Charts.bars(560, 300, main.key() + " per candidate (" + result.dataset() + ")",
                "candidate", main.key());
        chart.addSeries(main.key(), names, values);
        return Charts.png(chart);
    }

    @Override
    public MimeBundle mimeBundle() {
        Table summary = summary();
        Table examples = examples();
        byte[] png = chart();
        StringBuilder text = new StringBuilder(Tables.text(summary));
        StringBuilder html = new StringBuilder(Tables.html(summary));
        if (png.length > 0) {
            html.append(Tables.image(png, "bar chart of " + result.metrics().get(0).key() + " per candidate"));
        }
        if (!result.judgements().isEmpty()) {
            MimeBundle judges = JudgeView.of(result.judgements()).mimeBundle();
            text.append(judges.text()).append('\n');
            html.append(judges.html().orElseThrow());
        }
        text.append(Tables.text(examples));
        html.append(Tables.html(examples));
        MimeBundle b = MimeBundle.text(text.toString().stripTrailing())
                .withHtml(Tables.section("Evaluation", html.toString()));
        return png.length > 0 ? b.withPng(png) : b;
    }

    /** A standalone HTML page of this view. */
    public String page() {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + Tables.escape("Evaluation on "
                + result.dataset()) + "</title></head><body>\n" + mimeBundle().html().orElseThrow() + "\n</body></html>\n";
    }

    /** Writes {@value #HTML_FILE} in {@code runDir} (created if needed) atomically; returns the file. */
    public Path saveHtml(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path file = runDir.resolve(HTML_FILE);
        AtomicFile.write(file, page().getBytes(StandardCharsets.UTF_8));
        return file;
    }
}
