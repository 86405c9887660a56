package io.tunebook.display;

import io.tunebook.plan.Tco;
import java.util.Locale;
import java.util.OptionalDouble;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Cost of ownership per month: the hosted API against fine-tuning and self-hosting, part by part,
 * with the break-even volume; and a chart of both monthly costs over the volume (the API's a line,
 * self-hosting's a staircase, one step a serving GPU).
 */
public final class TcoView implements Displayable {
    /** Points the chart samples the volume at: enough for the staircase's steps to show. */
    static final int POINTS = 400;
    private final Tco tco;

    private TcoView(Tco tco) {
        this.tco = tco;
    }

    public static TcoView of(Tco tco) {
        return new TcoView(tco);
    }

    /** One line: the volume, both monthly costs and the break-even. */
    public String title() {
        OptionalDouble b = tco.breakEvenTokensPerMonth();
        return String.format(Locale.ROOT, "%s tokens/month: hosted API %,.0f, fine-tuned and self-hosted %,.0f a month; %s",
                millions(tco.tokensPerMonth()), tco.apiMonthly(), tco.selfHostedMonthly(),
                b.isPresent() ? "break-even at " + millions(b.getAsDouble()) + " tokens/month"
                        : "no break-even: a serving GPU costs more than the API charges for what it serves");
    }

    private static String millions(double tokens) {
        return String.format(Locale.ROOT, "%,.1f M", tokens / 1e6);
    }

    /** The monthly cost part by part, each with how it was computed. */
    public Table table() {
        StringColumn part = StringColumn.create("per month");
        DoubleColumn cost = Tables.decimals("cost", 0);
        StringColumn how = StringColumn.create("from");
        add(part, cost, how, "hosted API", tco.apiMonthly(), String.format(Locale.ROOT, "%s tokens x %.2f per M",
                millions(tco.tokensPerMonth()), tco.apiPricePerMillionTokens()));
        add(part, cost, how, "serving GPUs", tco.servingMonthly(), String.format(Locale.ROOT,
                "%d GPU x %.0f h x %.2f/h (one serves %s tokens/month)", tco.servingGpus(), Tco.HOURS_PER_MONTH,
                tco.gpuHourPrice(), millions(tco.tokensPerGpuMonth())));
        add(part, cost, how, "training GPUs", tco.trainingMonthly(), String.format(Locale.ROOT,
                "%d runs/year x %.1f GPU-h x %.2f/h / 12", tco.trainingRunsPerYear(), tco.trainingGpuHoursPerRun(),
                tco.gpuHourPrice()));
        add(part, cost, how, "engineering", tco.engineeringMonthly(), String.format(Locale.ROOT,
                "%d runs/year x %,.0f / 12", tco.trainingRunsPerYear(), tco.engineeringCostPerRun()));
        add(part, cost, how, "self-hosted total", tco.selfHostedMonthly(), "serving + training + engineering");
        add(part, cost, how, "savings", tco.monthlySavings(), "hosted API - self-hosted total");
        return Table.create("Cost of ownership per month", part, cost, how);
    }

    private static void add(StringColumn part, DoubleColumn cost, StringColumn how, String name, double value,
            String from) {
        part.append(name);
        cost.append(value);
        how.append(from);
    }

    /** Both monthly costs from no traffic to twice the larger of the volume and the break-even. */
    public XYChart chart() {
        double top = 2 * Math.max(tco.tokensPerMonth(), tco.breakEvenTokensPerMonth().orElse(0));
        if (!(top > 0)) {
            top = 2 * tco.tokensPerGpuMonth();
        }
        double[] x = new double[POINTS + 1];
        double[] api = new double[POINTS + 1];
        double[] self = new double[POINTS + 1];
        for (int i = 0; i <= POINTS; i++) {
            Tco at = tco.atVolume(top * i / POINTS);
            x[i] = at.tokensPerMonth() / 1e6;
            api[i] = at.apiMonthly();
            self[i] = at.selfHostedMonthly();
        }
        XYChart chart = Charts.xy(640, 320, "Monthly cost against volume", "million tokens per month", "cost per month");
        XYSeries a = chart.addSeries("hosted API", x, api);
        XYSeries s = chart.addSeries("fine-tuned, self-hosted", x, self);
        for (XYSeries series : new XYSeries[] {a, s}) {
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            series.setMarker(SeriesMarkers.NONE);
        }
        chart.addAnnotation(new AnnotationLine(tco.tokensPerMonth() / 1e6, true, false));
        return chart;
    }

    public byte[] png() {
        return Charts.png(chart());
    }

    @Override
    public MimeBundle mimeBundle() {
        Table t = table();
        byte[] png = png();
        return MimeBundle.text(title() + "\n" + Tables.text(t).stripTrailing())
                .withHtml(Tables.section(title(), Tables.html(t),
                        Tables.image(png, "monthly cost against volume; the dashed line marks this volume")));
    }

    @Override
    public String toString() {
        return title();
    }
}
