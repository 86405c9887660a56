package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.Dataset;
import io.tunebook.data.Datasets;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The short path (a LoraModel and datasets as loaded) trains exactly as the long one, and full fine-tuning is said. */
class TrainerBuilderTest {
    private static final Path MODEL = Path.of("../models/tiny-base");
    private static final Dataset TRAIN = Datasets.load(Path.of("../datasets/support-fr/train.jsonl")).head(8);
    private static final Dataset VALIDATION = Datasets.load(Path.of("../datasets/support-fr/validation.jsonl")).head(4);

    private static TrainingArguments args() {
        return TrainingArguments.builder().maxSteps(2).perDeviceTrainBatchSize(4).gradientAccumulationSteps(1)
                .maxSeqLength(256).learningRate(1e-3).loggingSteps(1).evalSteps(2).saveStrategy(IntervalStrategy.NO)
                .build();
    }

    /** Losses of two steps and the final validation loss of a LoRA run assembled by {@code assemble}. */
    private static List<Double> run(BiFunction<LoraModel, TrainingArguments, Trainer.Builder> assemble) {
        List<Double> out = new ArrayList<>();
        try (CausalLM model = CausalLM.load(MODEL);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(4).alpha(8).build())) {
            TrainingArguments args = args();
            try (Trainer trainer = assemble.apply(lora, args).callback(new TrainerCallback() {
                @Override
                public void onStep(StepMetrics m) {
                    out.add(m.loss());
                }
            }).build()) {
                out.add(trainer.train().finalEvalLoss());
            }
        }
        return out;
    }

    @Test
    void aLoraModelAndPlainDatasetsTrainAsTheExplicitPath() {
        List<Double> longhand = run((lora, args) -> {
            SftData sft = SftData.builder(lora.model().tokenizer(), args).build();
            return Trainer.builder().model(TrainableModel.lora(lora)).arguments(args)
                    .trainData(sft.training(TRAIN)).evalData(sft.evaluation(VALIDATION));
        });
        List<Double> shorthand = run((lora, args) -> Trainer.builder().model(lora).arguments(args)
                .trainData(TRAIN).evalData(VALIDATION));
        assertEquals(3, longhand.size(), longhand::toString);
        assertFalse(longhand.get(2).isNaN(), "the validation set was evaluated");
        assertEquals(longhand, shorthand);
    }

    @Test
    void aBareModelIsNotTrainedWithoutSayingSo() {
        assertThrows(NoSuchMethodException.class, () -> Trainer.Builder.class.getMethod("model", CausalLM.class),
                "model(CausalLM) would train every weight of lora.model() silently");
        try (CausalLM model = CausalLM.load(MODEL)) {
            TrainingData batches = SftData.builder(model.tokenizer(), args()).build().training(TRAIN);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Trainer.builder()
                    .fullFineTuning(model).arguments(args()).trainData(TRAIN).trainData(batches).build());
            assertTrue(e.getMessage().contains("trainData was given twice"), e.getMessage());
        }
    }
}
