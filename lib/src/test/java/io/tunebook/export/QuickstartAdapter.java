package io.tunebook.export;

import io.tunebook.data.Datasets;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.train.IntervalStrategy;
import io.tunebook.train.SchedulerType;
import io.tunebook.train.SftData;
import io.tunebook.train.TrainableModel;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainingArguments;
import java.nio.file.Path;

/**
 * The quickstart's adapter ({@code examples/quickstart-lora.yaml}: r 16, alpha 32, dropout 0.05, all
 * linear layers, lr 2e-3, cosine with 10 % warm-up, seed 42, on {@code datasets/support-fr}), trained
 * for a few steps of 4 examples only so that a test can afford it; a real trained adapter, as export
 * meets it.
 */
final class QuickstartAdapter {
    static final Path TRAIN = Path.of("../datasets/support-fr/train.jsonl");

    private QuickstartAdapter() {
    }

    /** Trains it into {@code runDir} and returns {@code runDir/adapter}. */
    static Path train(Path runDir, int steps) {
        TrainingArguments args = TrainingArguments.builder().maxSteps(steps).perDeviceTrainBatchSize(4)
                .learningRate(2e-3).lrScheduler(SchedulerType.COSINE).warmupRatio(0.1).maxSeqLength(512)
                .evalStrategy(IntervalStrategy.NO).saveStrategy(IntervalStrategy.NO).loggingSteps(1).seed(42).build();
        try (CausalLM model = CausalLM.load(LlamaCppExportTest.TINY);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(16).alpha(32).dropout(0.05)
                        .targetModules("all-linear").seed(42).baseModelNameOrPath("models/tiny-base").build())) {
            SftData sft = SftData.builder(model.tokenizer(), args).build();
            try (Trainer trainer = Trainer.builder().model(TrainableModel.lora(lora)).arguments(args)
                    .trainData(sft.training(Datasets.load(TRAIN))).outputDir(runDir).build()) {
                trainer.train();
            }
        }
        return runDir.resolve("adapter");
    }
}
