package io.tunebook.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss of preference tuning, as TRL computes it from the summed log-probabilities of the chosen
 * and rejected completions (prompt tokens masked) under the policy and, for DPO, the reference.
 *
 * <p>With {@code z = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))}:
 * <ul>
 * <li>{@link Type#SIGMOID}, DPO (Rafailov et al. 2023), TRL's default: {@code −(1−ε)·log σ(βz) − ε·log σ(−βz)}
 * with label smoothing ε (cDPO; 0 by default);</li>
 * <li>{@link Type#HINGE} (SLiC): {@code max(0, 1 − βz)};</li>
 * <li>{@link Type#IPO} (Azar et al. 2023): {@code (z − 1/(2β))²} on log-probabilities averaged over
 * each completion's tokens, as TRL does for IPO;</li>
 * <li>{@link Type#ORPO} (Hong et al. 2024), no reference: {@code NLL(y_w) − β·log σ(log odds(y_w) −
 * log odds(y_l))} with {@code odds(y) = p/(1−p)} on the per-token average log-probability p, the NLL
 * the mean over the chosen tokens of the micro-batch; β is the paper's λ.</li>
 * </ul>
 * Losses are averaged over the pairs of a micro-batch. Rewards, as TRL logs them: {@code β·(log π −
 * log π_ref)} for DPO, {@code β·log π} (averaged per token) for ORPO.
 *
 * @param type the loss
 * @param beta β (DPO's temperature, ORPO's λ); TRL's default 0.1
 * @param labelSmoothing ε of the sigmoid loss, in [0, 0.5)
 */
public record PreferenceLoss(Type type, double beta, double labelSmoothing) {
    /** Which preference loss; see {@link PreferenceLoss}. */
    public enum Type {
        SIGMOID, IPO, HINGE, ORPO
    }

    /** TRL's default β. */
    public static final double DEFAULT_BETA = 0.1;

    public PreferenceLoss {
        if (type == null) {
            throw new IllegalArgumentException("the preference loss type must be set");
        }
        if (!(beta > 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be positive, got " + beta);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing > 0 && type != Type.SIGMOID) {
            throw new IllegalArgumentException("label smoothing applies to the sigmoid (DPO) loss only, not "
                    + type.name().toLowerCase());
        }
    }

    /** DPO with the sigmoid loss and β 0.1. */
    public static PreferenceLoss dpo() {
        return new PreferenceLoss(Type.SIGMOID, DEFAULT_BETA, 0);
    }

    public static PreferenceLoss dpo(Type type, double beta) {
        return new PreferenceLoss(type, beta, 0);
    }

    /** ORPO with λ = {@code beta} (the paper and TRL use 0.1). */
    public static PreferenceLoss orpo(double beta) {
        return new PreferenceLoss(Type.ORPO, beta, 0);
    }

    public PreferenceLoss withLabelSmoothing(double epsilon) {
        return new PreferenceLoss(type, beta, epsilon);
    }

    /** Whether the loss compares with a reference model (every type but ORPO). */
    public boolean needsReference() {
        return type != Type.ORPO;
    }

    /** Whether log-probabilities are averaged over each completion's tokens rather than summed. */
    boolean averaged() {
        return type == Type.IPO || type == Type.ORPO;
    }

    /**
     * The loss of a micro-batch of pairs and its derivatives in the summed log-probabilities.
     *
     * @param chosen summed log-probability of each chosen completion under the policy
     * @param rejected the same for the rejected completions
     * @param chosenTokens completion tokens of each chosen answer
     * @param rejectedTokens completion tokens of each rejected answer
     * @param refChosen summed log-probability under the reference (ignored by ORPO; may be null there)
     * @param refRejected the same for the rejected completions
     */
    public Result compute(double[] chosen, double[] rejected, long[] chosenTokens, long[] rejectedTokens,
            double[] refChosen, double[] refRejected) {
        int n = chosen.length;
        if (rejected.length != n || chosenTokens.length != n || rejectedTokens.length != n
                || needsReference() && (refChosen == null || refChosen.length != n || refRejected.length != n)) {
            throw new IllegalArgumentException("a preference batch needs as many chosen as rejected log-probabilities"
                    + (needsReference() ? " and reference log-probabilities" : ""));
        }
        double[] dChosen = new double[n];
        double[] dRejected = new double[n];
        double[] rewardChosen = new double[n];
        double[] rewardRejected = new double[n];
        double loss = 0;
        double logpChosen = 0;
        double logpRejected = 0;
        double nll = 0;
        long chosenTotal = 0;
        double oddsTerm = 0;
        for (long t : chosenTokens) {
            chosenTotal += t;
        }
        for (int i = 0; i < n; i++) {
            // The per-pair values on summed or averaged log-probabilities; dc/dr are derivatives in those.
            double c = averaged() ? chosen[i] / chosenTokens[i] : chosen[i];
            double r = averaged() ? rejected[i] / rejectedTokens[i] : rejected[i];
            double dc;
            double dr;
            double pairLoss;
            if (type == Type.ORPO) {
                double logOdds = (c - r) - (Math.log1p(-Math.exp(c)) - Math.log1p(-Math.exp(r)));
                double ratio = logSigmoid(logOdds);
                pairLoss = -beta * ratio;
                double dOdds = -beta * sigmoid(-logOdds);
                dc = dOdds / -Math.expm1(c);
                dr = -dOdds / -Math.expm1(r);
                rewardChosen[i] = beta * c;
                rewardRejected[i] = beta * r;
                oddsTerm += ratio;
            } else {
                double rc = averaged() ? refChosen[i] / chosenTokens[i] : refChosen[i];
                double rr = averaged() ? refRejected[i] / rejectedTokens[i] : refRejected[i];
                double z = (c - rc) - (r - rr);
                double dz;
                switch (type) {
                    case SIGMOID -> {
                        double bz = beta * z;
                        pairLoss = -(1 - labelSmoothing) * logSigmoid(bz) - labelSmoothing * logSigmoid(-bz);
                        dz = -(1 - labelSmoothing) * beta * sigmoid(-bz) + labelSmoothing * beta * sigmoid(bz);
                    }
                    case HINGE -> {
                        pairLoss = Math.max(0, 1 - beta * z);
                        dz = 1 - beta * z > 0 ? -beta : 0;
                    }
                    default -> {
                        double d = z - 1 / (2 * beta);
                        pairLoss = d * d;
                        dz = 2 * d;
                    }
                }
                dc = dz;
                dr = -dz;
                rewardChosen[i] = beta * (c - rc);
                rewardRejected[i] = beta * (r - rr);
            }
            loss += pairLoss / n;
            dChosen[i] = (averaged() ? dc / chosenTokens[i] : dc) / n;
            dRejected[i] = (averaged() ? dr / rejectedTokens[i] : dr) / n;
            logpChosen += c / n;
            logpRejected += r / n;
        }
        if (type == Type.ORPO) {
            // The SFT term: cross-entropy averaged over every chosen token of the micro-batch.
            for (int i = 0; i < n; i++) {
                nll -= chosen[i] / chosenTotal;
                dChosen[i] -= 1.0 / chosenTotal;
            }
            loss += nll;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        double accuracy = 0;
        double rc = 0;
        double rr = 0;
        for (int i = 0; i < n; i++) {
            rc += rewardChosen[i] / n;
            rr += rewardRejected[i] / n;
            accuracy += rewardChosen[i] > rewardRejected[i] ? 1.0 / n : 0;
        }
        metrics.put("rewards/chosen", rc);
        metrics.put("rewards/rejected", rr);
        metrics.put("rewards/accuracies", accuracy);
        metrics.put("rewards/margins", rc - rr);
        metrics.put("logps/chosen", logpChosen);
        metrics.put("logps/rejected", logpRejected);
        if (type == Type.ORPO) {
            metrics.put("nll_loss", nll);
            metrics.put("log_odds_ratio", oddsTerm / n);
        }
        return new Result(loss, dChosen, dRejected, metrics);
    }

    /** log σ(x), stable for large |x|. */
    static double logSigmoid(double x) {
        return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /**
     * A micro-batch's loss (mean over its pairs), its derivatives in each pair's summed chosen and
     * rejected log-probability, and TRL's metrics of the batch (means over its pairs).
     */
    public record Result(double loss, double[] dChosen, double[] dRejected, Map<String, Double> metrics) {
    }
}
