package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.model.CausalLM;
import io.tunebook.model.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HyperparameterSearchTest {
    private static final SearchSpace SEEDS_EXAMPLE = SearchSpace.builder()
            .choice("learning_rate", 1e-4, 2e-4, 5e-4)
            .choice("lora_r", 8, 16)
            .choice("per_device_train_batch_size", 2, 4)
            .build();

    @Test
    void gridCrossesEveryChoiceInOrder() {
        List<TrialParameters> trials = HyperparameterSearch.grid(SEEDS_EXAMPLE).trials();
        assertEquals(12, trials.size());
        assertEquals(Map.of("learning_rate", 1e-4, "lora_r", 8, "per_device_train_batch_size", 2), trials.get(0).asMap());
        assertEquals(Map.of("learning_rate", 1e-4, "lora_r", 8, "per_device_train_batch_size", 4), trials.get(1).asMap());
        assertEquals(Map.of("learning_rate", 5e-4, "lora_r", 16, "per_device_train_batch_size", 4),
                trials.get(11).asMap());
        assertEquals(12, trials.stream().map(TrialParameters::asMap).distinct().count());
    }

    @Test
    void randomSearchIsSeededAndStaysInRange() {
        SearchSpace space = SearchSpace.builder().logUniform("learning_rate", 1e-5, 1e-3).choice("lora_r", 8, 16, 32)
                .build();
        List<TrialParameters> a = HyperparameterSearch.random(space, 20, 7).trials();
        List<TrialParameters> b = HyperparameterSearch.random(space, 20, 7).trials();
        assertEquals(a.stream().map(TrialParameters::asMap).collect(Collectors.toList()),
                b.stream().map(TrialParameters::asMap).collect(Collectors.toList()));
        assertNotEquals(a.get(0).asMap(), HyperparameterSearch.random(space, 1, 8).trials().get(0).asMap());
        for (TrialParameters p : a) {
            double lr = p.getDouble("learning_rate");
            assertTrue(lr >= 1e-5 && lr <= 1e-3, "in range: " + lr);
            assertTrue(List.of(8, 16, 32).contains(p.getInt("lora_r")));
        }
        long small = a.stream().filter(p -> p.getDouble("learning_rate") < 1e-4).count();
        assertTrue(small >= 4 && small <= 16, "log-uniform puts about half below 1e-4: " + small);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HyperparameterSearch.grid(space));
        assertTrue(e.getMessage().contains("'learning_rate' is a range"), e.getMessage());
    }

    @Test
    void trialsTrainAndTheBestHasTheLowestValidationLoss() {
        ModelConfig config = ModelConfig.read(Path.of("src/test/resources/fixtures/llama3/config.json"));
        int[] tokens = new int[4000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 5 + (i % 7) * 3 + (i % 3);
        }
        List<Batch> train = new TokenWindows(tokens, 0, 3000, 2, 12, 0).sequential(8);
        List<Batch> validation = new TokenWindows(tokens, 3000, 4000, 2, 12, 0).sequential(2);
        SearchSpace space = SearchSpace.builder().choice("learning_rate", 1e-6, 5e-3, -1.0).build();
        SearchResult result = HyperparameterSearch.grid(space).run(params -> {
            TrainingArguments args = TrainingArguments.builder().numTrainEpochs(1).gradientAccumulationSteps(2)
                    .learningRate(params.getDouble("learning_rate")).warmupSteps(1).build();
            try (CausalLM model = CausalLM.initialize(config, null, 1);
                    Trainer trainer = Trainer.builder().fullFineTuning(model).arguments(args).trainData(train)
                            .evalData(validation).build()) {
                return trainer.train();
            }
        });
        assertEquals(3, result.trials().size());
        SearchResult.Trial failed = result.trials().get(2);
        assertFalse(failed.succeeded());
        assertTrue(failed.error().contains("learningRate must be positive"), failed.error());
        assertEquals(5e-3, result.best().orElseThrow().parameters().getDouble("learning_rate"));
        assertTrue(result.trials().get(1).evalLoss() < result.trials().get(0).evalLoss());
        assertEquals(List.of(1, 0, 2), result.ranked().stream().map(SearchResult.Trial::index)
                .collect(Collectors.toList()));
    }
}
