package io.tunebook.display;

import io.tunebook.train.SearchResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** A hyperparameter search as one table, best trial first, with the winning configuration named above it. */
public final class SearchView implements Displayable {
    private final SearchResult result;

    private SearchView(SearchResult result) {
        this.result = result;
    }

    public static SearchView of(SearchResult result) {
        return new SearchView(result);
    }

    /** One row a trial, ranked: trial number, each parameter, validation loss, steps, seconds, error. */
    public Table table() {
        Set<String> names = new LinkedHashSet<>();
        result.trials().forEach(t -> names.addAll(t.parameters().asMap().keySet()));
        IntColumn trial = IntColumn.create("trial");
        List<StringColumn> params = new ArrayList<>();
        names.forEach(n -> params.add(StringColumn.create(n)));
        DoubleColumn evalLoss = Tables.decimals("eval loss", 4);
        IntColumn steps = IntColumn.create("steps");
        DoubleColumn seconds = Tables.decimals("seconds", 1);
        StringColumn error = StringColumn.create("error");
        for (SearchResult.Trial t : result.ranked()) {
            trial.append(t.index() + 1);
            int i = 0;
            for (String n : names) {
                Object v = t.parameters().asMap().get(n);
                params.get(i++).append(v == null ? "" : format(v));
            }
            evalLoss.append(t.evalLoss());
            steps.append(t.result() == null ? 0 : t.result().steps());
            seconds.append(t.seconds());
            error.append(t.error() == null ? "" : Tables.truncate(t.error(), 80));
        }
        List<Column<?>> columns = new ArrayList<>();
        columns.add(trial);
        columns.addAll(params);
        columns.add(evalLoss);
        columns.add(steps);
        columns.add(seconds);
        if (result.trials().stream().anyMatch(t -> t.error() != null)) {
            columns.add(error);
        }
        return Table.create(result.strategy() + " search, " + result.trials().size() + " trials",
                columns.toArray(new Column<?>[0]));
    }

    private static String format(Object v) {
        if (v instanceof Double d) {
            if (d == Math.rint(d)) {
                return Long.toString(d.longValue());
            }
            // Learning rates read as 2.00e-04, as in the seeds' tables; ordinary fractions as 0.05.
            return String.format(Locale.ROOT, Math.abs(d) < 1e-2 ? "%.2e" : "%.4g", d);
        }
        return String.valueOf(v);
    }

    /** The best trial in words, or why there is none. */
    public String verdict() {
        return result.best().map(t -> String.format(Locale.ROOT, "best: trial %d, %s, validation loss %.4f",
                t.index() + 1, t.parameters(), t.evalLoss())).orElse("no trial reached an evaluation");
    }

    @Override
    public MimeBundle mimeBundle() {
        Table t = table();
        return MimeBundle.text(verdict() + "\n" + Tables.text(t).stripTrailing())
                .withHtml(Tables.section(verdict(), Tables.html(t)));
    }
}
