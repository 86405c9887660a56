package io.tunebook.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one training trial per point of a {@link SearchSpace}, a full grid or seeded random draws,
 * and ranks them by validation loss. A trial that fails (diverges, runs out of memory, rejects its
 * parameters) is recorded with its error and the search goes on.
 *
 * <pre>{@code
 * SearchResult result = HyperparameterSearch.grid(space).run(params -> {
 *     TrainingArguments args = base.toBuilder().learningRate(params.getDouble("learning_rate")).build();
 *     try (CausalLM model = CausalLM.load(modelDir);
 *             LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(params.getInt("lora_r")).build());
 *             Trainer trainer = Trainer.builder().model(lora).arguments(args).trainData(train).evalData(validation)
 *                     .build()) {
 *         return trainer.train();
 *     }
 * });
 * }</pre>
 */
public final class HyperparameterSearch {
    /** Trains one configuration and reports how it ended; its {@code finalEvalLoss} ranks it. */
    @FunctionalInterface
    public interface Objective {
        TrainingResult train(TrialParameters params) throws Exception;
    }

    private final List<Map<String, Object>> points;
    private final String strategy;

    private HyperparameterSearch(List<Map<String, Object>> points, String strategy) {
        this.points = points;
        this.strategy = strategy;
    }

    public static HyperparameterSearch grid(SearchSpace space) {
        return new HyperparameterSearch(space.grid(), "grid");
    }

    public static HyperparameterSearch random(SearchSpace space, int trials, long seed) {
        if (trials <= 0) {
            throw new IllegalArgumentException("a random search needs at least one trial, got " + trials);
        }
        return new HyperparameterSearch(space.sample(trials, seed), "random");
    }

    /** The configurations the search will try, in order. */
    public List<TrialParameters> trials() {
        List<TrialParameters> out = new ArrayList<>();
        for (Map<String, Object> p : points) {
            out.add(new TrialParameters(p));
        }
        return out;
    }

    public SearchResult run(Objective objective) {
        List<SearchResult.Trial> done = new ArrayList<>();
        int index = 0;
        for (TrialParameters params : trials()) {
            long start = System.nanoTime();
            try {
                TrainingResult r = objective.train(params);
                done.add(new SearchResult.Trial(index, params, r, null, (System.nanoTime() - start) / 1e9));
            } catch (Exception | OutOfMemoryError e) {
                String why = e.getClass().getSimpleName() + ": " + e.getMessage();
                done.add(new SearchResult.Trial(index, params, null, why, (System.nanoTime() - start) / 1e9));
            }
            index++;
        }
        return new SearchResult(strategy, done);
    }
}
