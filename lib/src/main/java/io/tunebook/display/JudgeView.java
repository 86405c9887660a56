package io.tunebook.display;

import io.tunebook.eval.JudgeComparison;
import io.tunebook.eval.judge.JudgeSummary;
import io.tunebook.eval.judge.Rate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Pairwise verdicts, LLM judge or blind human rating alike: one row a comparison with the wins, ties
 * and losses of the candidate against the other, each as a rate with its 95% Wilson interval, the
 * judge's position consistency (both orders agreeing) and how many items could be judged; then the
 * same per category.
 */
public final class JudgeView implements Displayable {
    private final List<JudgeComparison> comparisons;

    private JudgeView(List<JudgeComparison> comparisons) {
        this.comparisons = List.copyOf(comparisons);
    }

    public static JudgeView of(List<JudgeComparison> comparisons) {
        return new JudgeView(comparisons);
    }

    /** A summary on its own, from answer A's side. */
    public static JudgeView of(JudgeSummary summary) {
        return new JudgeView(List.of(new JudgeComparison("A", "B", "judge", summary, List.of())));
    }

    public Table table() {
        return table("Pairwise verdicts (wins, ties, losses with 95% Wilson intervals)", false);
    }

    /** One row per comparison and category; empty when no item had a category. */
    public Table categories() {
        return table("By category", true);
    }

    private Table table(String name, boolean byCategory) {
        StringColumn candidate = StringColumn.create("candidate");
        StringColumn against = StringColumn.create("vs");
        StringColumn judge = StringColumn.create("judge");
        StringColumn category = StringColumn.create("category");
        StringColumn wins = StringColumn.create("wins");
        StringColumn ties = StringColumn.create("ties");
        StringColumn losses = StringColumn.create("losses");
        StringColumn consistency = StringColumn.create("position consistency");
        StringColumn judged = StringColumn.create("judged");
        for (JudgeComparison c : comparisons) {
            Map<String, JudgeSummary> parts = byCategory ? c.summary().byCategory() : Map.of("", c.summary());
            parts.forEach((cat, s) -> {
                candidate.append(c.candidate());
                against.append(c.against());
                judge.append(c.judge());
                category.append(cat);
                wins.append(rate(s.winA()));
                ties.append(rate(s.tie()));
                losses.append(rate(s.winB()));
                consistency.append(rate(s.consistency()));
                judged.append(s.judged() + "/" + s.total());
            });
        }
        return byCategory ? Table.create(name, candidate, against, category, wins, ties, losses, judged)
                : Table.create(name, candidate, against, judge, wins, ties, losses, consistency, judged);
    }

    static String rate(Rate r) {
        return r.n() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f]", 100 * r.rate(), 100 * r.low(),
                100 * r.high());
    }

    @Override
    public MimeBundle mimeBundle() {
        Table main = table();
        Table cats = categories();
        StringBuilder text = new StringBuilder(Tables.text(main));
        StringBuilder html = new StringBuilder(Tables.html(main));
        if (cats.rowCount() > 0) {
            text.append(Tables.text(cats));
            html.append(Tables.html(cats));
        }
        return MimeBundle.text(text.toString().stripTrailing()).withHtml(Tables.section("", html.toString()));
    }
}
