package io.tunebook.train;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The trials of a hyperparameter search, in the order they ran, and the best of them. */
public record SearchResult(String strategy, List<Trial> trials) {
    public SearchResult {
        trials = List.copyOf(trials);
    }

    /**
     * One trial: its parameters and how it ended, or why it failed.
     *
     * @param result null when the trial failed
     * @param error null when the trial ran
     */
    public record Trial(int index, TrialParameters parameters, TrainingResult result, String error, double seconds) {
        public boolean succeeded() {
            return result != null && Double.isFinite(result.finalEvalLoss());
        }

        public double evalLoss() {
            return result == null ? Double.NaN : result.finalEvalLoss();
        }
    }

    /** The trial with the lowest validation loss, if any trial ran to an evaluation. */
    public Optional<Trial> best() {
        return trials.stream().filter(Trial::succeeded).min(Comparator.comparingDouble(Trial::evalLoss));
    }

    /** Trials by validation loss, best first; failed ones last. */
    public List<Trial> ranked() {
        return trials.stream()
                .sorted(Comparator.comparing((Trial t) -> !t.succeeded()).thenComparingDouble(Trial::evalLoss))
                .collect(java.util.stream.Collectors.toList());
    }
}
