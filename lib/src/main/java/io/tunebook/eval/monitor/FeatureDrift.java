package io.tunebook.eval.monitor;

/**
 * How one feature moved from the reference window to the production window.
 *
 * @param feature its name ("prompt tokens", "answer ROUGE-L"...)
 * @param referenceMean its mean over the reference window
 * @param productionMean its mean over the production window
 * @param psi population stability index over the reference's deciles ({@link DriftReport#psi})
 * @param ks two-sample Kolmogorov-Smirnov statistic: the largest gap between the two windows' cumulative
 *        distributions ({@link DriftReport#ks})
 * @param ksCritical the statistic two windows of these sizes exceed by chance 5 % of the time
 * @param alert whether the PSI reaches the report's alert threshold
 */
public record FeatureDrift(String feature, double referenceMean, double productionMean, double psi, double ks,
        double ksCritical, boolean alert) {

    /** The usual reading of a PSI: below 0.1 stable, 0.1 to 0.25 a moderate shift, from 0.25 drift. */
    public String psiReading() {
        return psi < DriftReport.PSI_MODERATE ? "stable" : psi < DriftReport.PSI_DRIFT ? "moderate shift" : "drift";
    }

    /** Whether the windows' distributions differ at the 5 % level by the KS test. */
    public boolean ksSignificant() {
        return ks > ksCritical;
    }
}
