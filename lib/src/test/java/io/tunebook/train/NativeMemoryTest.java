package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training and generation leave no native arrays behind: each step's are freed with its manager. */
class NativeMemoryTest {

    @Test
    void liveArrayCountIsFlatAcrossTrainingSteps() {
        ModelConfig config = ModelConfig.read(Path.of("src/test/resources/fixtures/qwen3/config.json"));
        try (CausalLM model = CausalLM.initialize(config, null, 2)) {
            int before = model.manager().getManagedArrays().size();
            List<Integer> perStep = new ArrayList<>();
            int[] tokens = new int[3000];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * 31) % config.vocabSize();
            }
            TrainingArguments args = TrainingArguments.builder().maxSteps(40).gradientAccumulationSteps(2)
                    .learningRate(1e-3).loggingSteps(1).evalSteps(10).build();
            TokenWindows windows = new TokenWindows(tokens, 0, 2500, 2, 20, 1);
            List<Batch> validation = new TokenWindows(tokens, 2500, 3000, 2, 20, 1).sequential(2);
            try (Trainer trainer = Trainer.builder().fullFineTuning(model).arguments(args)
                    .trainData(TrainingData.endless(() -> windows)).evalData(validation)
                    .callback(new TrainerCallback() {
                        @Override
                        public void onStep(StepMetrics m) {
                            perStep.add(model.manager().getManagedArrays().size());
                        }
                    }).build()) {
                trainer.train();
            }
            assertEquals(1, new HashSet<>(perStep).size(), "arrays alive after each step: " + perStep);
            assertEquals(before, model.manager().getManagedArrays().size(), "optimizer state freed on close");

            long[] prompt = {1, 5, 9, 14};
            Generator.of(model).generateIds(List.of(prompt, new long[] {3}),
                    GenerationSettings.builder().maxNewTokens(30).eosTokenIds(List.of()).build(), null);
            model.tokenLogProbs(new long[] {1, 2, 3, 4});
            assertEquals(before, model.manager().getManagedArrays().size(), "generation and scoring free everything");
        }
    }
}
