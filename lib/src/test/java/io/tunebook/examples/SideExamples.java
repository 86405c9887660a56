package io.tunebook.examples;

import io.tunebook.data.CleaningResult;
import io.tunebook.data.Cleaner;
import io.tunebook.data.Dataset;
import io.tunebook.display.Check;
import io.tunebook.display.CleaningView;
import io.tunebook.display.DatasetPreview;
import io.tunebook.display.StatsView;
import io.tunebook.display.TableView;
import io.tunebook.eval.monitor.DriftReport;
import io.tunebook.export.Exporter;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tokenizer;
import io.tunebook.plan.Decision;
import io.tunebook.plan.Estimate;
import io.tunebook.plan.GpuType;
import io.tunebook.plan.Method;
import io.tunebook.plan.Recommendation;
import io.tunebook.plan.Tco;
import io.tunebook.serve.OpenAiServer;
import io.tunebook.serve.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** The examples of the side packages' ({@code plan}, {@code display}, {@code serve}) and {@code export}'s Javadoc. */
final class SideExamples {
    private SideExamples() {
    }

    static double estimate() {
        // snippet: plan/Estimate.java
        Estimate e = Estimate.builder().parameters("8B").method(Method.QLORA).sequenceLength(2048).build();
        e.memory().totalGb();
        e.cost(20_000_000, 3, GpuType.A100_80GB, 1.8).gpuHours();
        // end snippet
        return e.memory().totalGb();
    }

    static double tco() {
        // snippet: plan/Tco.java
        Tco tco = Tco.builder().tokensPerMonth(300e6).apiPricePerMillionTokens(10).build();
        tco.selfHostedMonthly();
        tco.breakEvenTokensPerMonth();
        // end snippet
        return tco.breakEvenTokensPerMonth().orElseThrow();
    }

    static DriftReport driftReport() {
        // snippet: eval/monitor/DriftReport.java
        DriftReport drift = DriftReport.builder().psiAlert(0.25)
                .feature("prompt words", new double[] {12, 15, 9, 14}, new double[] {60, 75, 58, 80})
                .build();
        drift.alerts();
        // end snippet
        return drift;
    }

    static Recommendation decision() {
        // snippet: plan/Decision.java
        Recommendation r = Decision.ask().needsStyle(true).promptingTried(true).trainingExamples(800).recommend();
        // end snippet
        return r;
    }

    static void cleaningView(Dataset raw) {
        // snippet: display/CleaningView.java
        CleaningResult cleaned = raw.clean(Cleaner.builder().build());
        CleaningView.of(cleaned.report()).withTexts(raw);
        // end snippet
    }

    static void datasetPreview(Dataset train, Dataset raw, CleaningResult cleaned, Tokenizer tokenizer) {
        // snippet: display/DatasetPreview.java
        DatasetPreview.of(train).head(10);
        DatasetPreview.of(train).sample(10, 42);
        DatasetPreview.of(train).width(120).longest(5, text -> tokenizer.encode(text, false).length);
        DatasetPreview.of(raw).flagged(cleaned.report());
        // end snippet
    }

    static void statsView(Dataset train, Tokenizer tokenizer) {
        // snippet: display/StatsView.java
        StatsView.of(train, text -> tokenizer.encode(text, false).length).maxLength(512);
        // end snippet
    }

    static Integer check() {
        // snippet: display/Check.java
        Integer rank = null; // your turn: ...
        Check<Integer> check = Check.that("r", rank).isBetween(4, 16).hint("r·(in+out) per layer ...").fallback(8);
        rank = check.value(); // the answer, or the fallback (8) when the cell was left blank
        // end snippet
        return rank;
    }

    static void tableView() {
        // snippet: display/TableView.java
        Table t = Table.create("Base vs fine-tuned", StringColumn.create("metric", "BLEU", "ROUGE-L"),
                DoubleColumn.create("fine-tuned", 31.2, 0.48));
        TableView.of(t);
        // end snippet
    }

    static void exporter() {
        // snippet: export/Exporter.java
        Exporter.builder(Path.of("models/tiny-base")).adapter(Path.of("runs/quickstart-lora/adapter"))
                .format(Exporter.Format.GGUF).type("q4_k_m").build().to(Path.of("runs/export"));
        // end snippet
    }

    static void openAiServer(Path dir) throws IOException {
        // snippet: serve/OpenAiServer.java
        try (CausalLM model = CausalLM.load(dir);
                OpenAiServer server = OpenAiServer.start(model, ServerConfig.builder("tiny-base").port(0).build())) {
            System.out.println(server.baseUrl());     // http://127.0.0.1:PORT/v1
        }
        // end snippet
    }
}
