package io.tunebook.display;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/**
 * The look every tunebook chart shares, and their rendering to PNG without a screen. Charts are
 * drawn in memory: a notebook kernel or a CI machine has no display, so the JVM runs AWT headless
 * unless the user decided otherwise before the first chart.
 */
final class Charts {
    /** The palette of the series: blue, orange, green, red (colour-blind friendly, after Tableau 10). */
    static final Color BLUE = new Color(0x4E79A7);
    static final Color ORANGE = new Color(0xF28E2B);
    static final Color GREEN = new Color(0x59A14F);
    static final Color RED = new Color(0xE15759);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** An XY chart with tunebook's style: white, light grid, legend inside the top right corner. */
    static XYChart xy(int width, int height, String title, String xTitle, String yTitle) {
        XYChart chart = styled(new XYChart(width, height), title, xTitle, yTitle);
        XYStyler s = chart.getStyler();
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBorderColor(new Color(0xD0D7DE));
        s.setAnnotationLineColor(RED);
        s.setAnnotationLineStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        return chart;
    }

    /** What every chart shares: titles, white, light grid, tunebook's fonts and series colours, anti-aliased. */
    private static <S extends AxesChartStyler, C extends Chart<S, ?>> C styled(C chart, String title, String xTitle,
            String yTitle) {
        chart.setTitle(title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        S s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setPlotGridLinesColor(new Color(0xE5E7EB));
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setSeriesColors(new Color[] {BLUE, ORANGE, GREEN, RED});
        s.setAntiAlias(true);
        return chart;
    }

    /** A bar chart with the same look, one colour per series, no legend for a single series. */
    static CategoryChart bars(int width, int height, String title, String xTitle, String yTitle) {
        CategoryChart chart = styled(new CategoryChart(width, height), title, xTitle, yTitle);
        CategoryStyler s = chart.getStyler();
        s.setLegendVisible(false);
        s.setLabelsVisible(true);
        s.setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return chart;
    }

    static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the chart '" + chart.getTitle() + "' as PNG", e);
        }
    }
}
