package io.tunebook.train;

/**
 * Where a run stands, saved in each checkpoint as {@code trainer_state.json}: enough, with the
 * weights and the optimizer moments, to continue exactly where it stopped.
 *
 * @param globalStep optimizer steps done
 * @param epoch the epoch in progress (0-based)
 * @param batchInEpoch micro-batches of that epoch already consumed
 * @param bestEvalLoss lowest validation loss so far (NaN before the first evaluation)
 * @param bestStep the step of that evaluation (-1 before the first)
 * @param evalsWithoutImprovement evaluations since the validation loss last improved, for early stopping
 */
public record TrainerState(int globalStep, int totalSteps, int epoch, int batchInEpoch, double bestEvalLoss,
        int bestStep, int evalsWithoutImprovement, long seed) {

    static TrainerState start(int totalSteps, long seed) {
        return new TrainerState(0, totalSteps, 0, 0, Double.NaN, -1, 0, seed);
    }

    /** Records a validation loss; improvement means lower than the best by more than {@code threshold}. */
    TrainerState evaluated(double evalLoss, double threshold) {
        boolean improved = Double.isNaN(bestEvalLoss) || evalLoss < bestEvalLoss - threshold;
        return improved
                ? new TrainerState(globalStep, totalSteps, epoch, batchInEpoch, evalLoss, globalStep, 0, seed)
                : new TrainerState(globalStep, totalSteps, epoch, batchInEpoch, bestEvalLoss, bestStep,
                        evalsWithoutImprovement + 1, seed);
    }

    TrainerState at(int step, int epochNow, int batch) {
        return new TrainerState(step, totalSteps, epochNow, batch, bestEvalLoss, bestStep, evalsWithoutImprovement,
                seed);
    }
}
