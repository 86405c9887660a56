/**
 * After deployment, as seed 002's monitoring section describes: latency percentiles and throughput of
 * a served model measured through its HTTP API ({@link io.tunebook.eval.monitor.LatencyProbe},
 * {@link io.tunebook.eval.monitor.ServingStats}), and drift between a reference window of traffic and a
 * production one, feature by feature ({@link io.tunebook.eval.monitor.DriftReport}: population stability
 * index and Kolmogorov-Smirnov statistic, with an alert threshold; {@link io.tunebook.eval.monitor.Vocabulary}
 * for the out-of-vocabulary rate of prompts).
 */
package io.tunebook.eval.monitor;
