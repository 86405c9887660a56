/**
 * Tables, charts and MIME bundles for notebooks and consoles. At the side of the pipeline: it may
 * read every stage ({@code data}, {@code model}, {@code lora}, {@code quant}, {@code train},
 * {@code eval}) and the planner ({@code plan}); no stage imports it.
 *
 * <p>Every view is a {@link io.tunebook.display.Displayable}: {@code text/plain} always, plus
 * {@code text/html} (self-contained: inline styles, images as data URIs) or {@code image/png}.
 * Looking at data: {@link io.tunebook.display.DatasetPreview} (head, seeded sample, longest,
 * flagged rows), {@link io.tunebook.display.StatsView} and {@link io.tunebook.display.TokenHistogram},
 * {@link io.tunebook.display.ValidationView}, {@link io.tunebook.display.CleaningView}. Watching a
 * run: {@link io.tunebook.display.TrainingHistory} records it as a trainer callback and gives
 * {@link io.tunebook.display.TrainingView} snapshots (progress bar and
 * {@link io.tunebook.display.LossChart}); {@link io.tunebook.display.ConsoleProgress} prints it.
 * Planning: {@link io.tunebook.display.MemoryView} (an estimate's memory by part),
 * {@link io.tunebook.display.RecommendationView} (the decision and its reasons) and
 * {@link io.tunebook.display.ModelMemoryView} (dense and quantized weight bytes), {@link
 * io.tunebook.display.TcoView} (cost of ownership against a hosted API). After deployment:
 * {@link io.tunebook.display.ServingStatsView} (latency percentiles, throughput) and
 * {@link io.tunebook.display.DriftView} (drift feature by feature).
 * {@link io.tunebook.display.Views#of} finds the view of any value a notebook cell returns.
 * {@link io.tunebook.display.Tables} holds what makes them all look alike.
 */
package io.tunebook.display;
