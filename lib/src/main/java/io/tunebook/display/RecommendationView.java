package io.tunebook.display;

import io.tunebook.plan.Reason;
import io.tunebook.plan.Recommendation;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** The decision helper's answer: the approach, then each criterion that led there with the seed's own words. */
public final class RecommendationView implements Displayable {
    private final Recommendation recommendation;

    private RecommendationView(Recommendation recommendation) {
        this.recommendation = recommendation;
    }

    public static RecommendationView of(Recommendation recommendation) {
        return new RecommendationView(recommendation);
    }

    public String title() {
        return "recommended: " + recommendation.approach().label();
    }

    /** The criteria in the order the decision applied them, with quote and source. */
    public Table table() {
        IntColumn step = IntColumn.create("#");
        StringColumn criterion = StringColumn.create("criterion");
        StringColumn quote = StringColumn.create("the seed says");
        StringColumn source = StringColumn.create("source");
        int i = 1;
        for (Reason r : recommendation.reasons()) {
            step.append(i++);
            criterion.append(r.criterion());
            quote.append(r.quote());
            source.append(r.source());
        }
        return Table.create("Why", step, criterion, quote, source);
    }

    @Override
    public MimeBundle mimeBundle() {
        Table t = table();
        return MimeBundle.text(title() + "\n" + Tables.text(t).stripTrailing())
                .withHtml(Tables.section(title(), Tables.html(t)));
    }
}
