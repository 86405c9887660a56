package io.tunebook.display;

import io.tunebook.data.CleaningReport;
import io.tunebook.data.CleaningResult;
import io.tunebook.data.Dataset;
import io.tunebook.data.DatasetSplits;
import io.tunebook.data.DatasetStats;
import io.tunebook.data.ValidationReport;
import io.tunebook.eval.EvaluationResult;
import io.tunebook.eval.JudgeComparison;
import io.tunebook.eval.ab.AbPair;
import io.tunebook.eval.ab.BlindAbSession;
import io.tunebook.eval.judge.JudgeSummary;
import io.tunebook.eval.monitor.DriftReport;
import io.tunebook.eval.monitor.ServingStats;
import io.tunebook.lora.LoraModel;
import io.tunebook.lora.TrainableParameters;
import io.tunebook.plan.Estimate;
import io.tunebook.plan.MemoryBreakdown;
import io.tunebook.plan.Recommendation;
import io.tunebook.plan.Tco;
import io.tunebook.quant.ModelMemory;
import io.tunebook.train.Provenance;
import io.tunebook.train.SearchResult;
import io.tunebook.train.TrainingResult;
import java.util.List;
import java.util.Optional;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The display of a value a notebook cell may return, for a kernel that renders whatever it gets:
 * a {@link Displayable} as itself, and the pipeline's own types (which cannot depend on this
 * package) through their views. A dataset shows its first {@value #DATASET_ROWS} rows.
 */
public final class Views {
    /** Rows a dataset shows when displayed as a whole. */
    public static final int DATASET_ROWS = 5;

    private Views() {
    }

    /** The types {@link #of} has a view for, for renderers that register by type. */
    public static final List<Class<?>> TYPES = List.of(Displayable.class, Dataset.class, DatasetStats.class,
            ValidationReport.class, CleaningReport.class, CleaningResult.class, DatasetSplits.class, LoraModel.class,
            TrainableParameters.class, SearchResult.class, TrainingResult.class, EvaluationResult.class,
            JudgeSummary.class, JudgeComparison.class, AbPair.class, BlindAbSession.class, Estimate.class,
            MemoryBreakdown.class, Recommendation.class, ModelMemory.class, Provenance.class, Tco.class,
            ServingStats.class, DriftReport.class);

    /** How {@code value} is displayed; empty for values tunebook does not know. */
    public static Optional<Displayable> of(Object value) {
        if (value instanceof Displayable d) {
            return Optional.of(d);
        } else if (value instanceof Dataset d) {
            return Optional.of(dataset(d));
        } else if (value instanceof DatasetStats s) {
            return Optional.of(StatsView.of(s));
        } else if (value instanceof ValidationReport r) {
            return Optional.of(ValidationView.of(r));
        } else if (value instanceof CleaningReport r) {
            return Optional.of(CleaningView.of(r));
        } else if (value instanceof CleaningResult r) {
            return Optional.of(CleaningView.of(r.report()));
        } else if (value instanceof DatasetSplits s) {
            return Optional.of(splits(s));
        } else if (value instanceof LoraModel m) {
            return Optional.of(LoraView.of(m));
        } else if (value instanceof TrainableParameters p) {
            String line = p.toString();
            return Optional.of(() -> MimeBundle.text(line).withHtml(Tables.paragraph(line)));
        } else if (value instanceof EvaluationResult r) {
            return Optional.of(EvaluationView.of(r));
        } else if (value instanceof JudgeSummary s) {
            return Optional.of(JudgeView.of(s));
        } else if (value instanceof JudgeComparison c) {
            return Optional.of(JudgeView.of(List.of(c)));
        } else if (value instanceof AbPair p) {
            return Optional.of(AbPairView.of(p));
        } else if (value instanceof BlindAbSession s) {
            return Optional.of(AbPairView.of(s));
        } else if (value instanceof SearchResult r) {
            return Optional.of(SearchView.of(r));
        } else if (value instanceof TrainingResult r) {
            String outcome = TrainingView.outcome(r);
            return Optional.of(() -> MimeBundle.text(outcome).withHtml(Tables.paragraph(outcome)));
        } else if (value instanceof Estimate e) {
            return Optional.of(MemoryView.of(e));
        } else if (value instanceof MemoryBreakdown b) {
            return Optional.of(MemoryView.of(b));
        } else if (value instanceof Recommendation r) {
            return Optional.of(RecommendationView.of(r));
        } else if (value instanceof ModelMemory m) {
            return Optional.of(ModelMemoryView.of(m));
        } else if (value instanceof Provenance p) {
            return Optional.of(ProvenanceView.of(p));
        } else if (value instanceof Tco t) {
            return Optional.of(TcoView.of(t));
        } else if (value instanceof ServingStats s) {
            return Optional.of(ServingStatsView.of(s));
        } else if (value instanceof DriftReport r) {
            return Optional.of(DriftView.of(r));
        }
        return Optional.empty();
    }

    private static Displayable dataset(Dataset d) {
        long skipped = d.validation().skippedRows();
        String title = d + (skipped == 0 ? "" : "; " + skipped + " invalid rows skipped");
        DatasetPreview head = DatasetPreview.of(d).head(DATASET_ROWS);
        return () -> MimeBundle.text(title + "\n" + head.mimeBundle().text())
                .withHtml(Tables.section(title, head.mimeBundle().html().orElseThrow()));
    }

    private static Displayable splits(DatasetSplits s) {
        StringColumn name = StringColumn.create("split", "train", "validation", "test");
        IntColumn size = IntColumn.create("examples", s.train().size(), s.validation().size(), s.test().size());
        return TableView.of(Table.create("Splits", name, size));
    }
}
