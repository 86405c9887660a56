package io.tunebook.examples;

import io.tunebook.data.Dataset;
import io.tunebook.data.Truncation;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tokenizer;
import io.tunebook.data.TokenizedDataset;
import io.tunebook.train.HyperparameterSearch;
import io.tunebook.train.PreferenceData;
import io.tunebook.train.PreferenceLoss;
import io.tunebook.train.SearchResult;
import io.tunebook.train.SearchSpace;
import io.tunebook.train.SftBatching;
import io.tunebook.train.SftData;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainerCallback;
import io.tunebook.train.TrainingArguments;
import io.tunebook.train.TrainingResult;
import java.nio.file.Path;

/** The examples of {@code lora}'s and {@code train}'s Javadoc, compiled. */
final class TrainExamples {
    private TrainExamples() {
    }

    static void loraModel(CausalLM model, TrainingArguments args, Dataset train) {
        // snippet: lora/LoraModel.java
        LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(16).alpha(32).build());
        lora.printTrainableParameters();
        try (Trainer trainer = Trainer.builder().model(lora).arguments(args).trainData(train).build()) {
            trainer.train();
        }
        lora.save(Path.of("out/adapter"));
        // end snippet
    }

    static void packageInfo(LoraModel lora, TrainingArguments args, Tokenizer tokenizer, TokenizedDataset train,
            TokenizedDataset validation) {
        // snippet: train/package-info.java
        SftBatching batching = SftBatching.builder().batchSize(args.perDeviceTrainBatchSize())
                .maxSeqLength(args.maxSeqLength()).padId(SftBatching.padIdOf(tokenizer)).seed(args.seed()).build();
        try (Trainer trainer = Trainer.builder().model(lora).arguments(args)
                .trainData(batching.trainingData(train.examples()))
                .evalData(batching.epoch(validation.examples()))
                .outputDir(Path.of("runs/support")).build()) {
            trainer.train();
        }
        // end snippet
    }

    static void trainer(LoraModel lora, TrainingArguments args, Dataset train, Dataset validation,
            TrainerCallback view) {
        // snippet: train/Trainer.java
        try (Trainer trainer = Trainer.builder()
                .model(lora).arguments(args)
                .trainData(train).evalData(validation)
                .outputDir(Path.of("runs/support")).callback(view)
                .build()) {
            TrainingResult result = trainer.train();
        }
        // end snippet
    }

    static Trainer sftData(CausalLM model, LoraModel lora, TrainingArguments args, Dataset train, Dataset validation) {
        // snippet: train/SftData.java
        SftData sft = SftData.builder(model.tokenizer(), args).truncation(Truncation.TRUNCATE_RIGHT).build();
        Trainer trainer = Trainer.builder().model(lora).arguments(args)
                .trainData(sft.training(train)).evalData(sft.evaluation(validation)).build();
        // end snippet
        return trainer;
    }

    static Trainer preferenceData(CausalLM model, LoraModel lora, TrainingArguments args, Dataset train,
            Dataset validation) {
        // snippet: train/PreferenceData.java
        PreferenceData pairs = PreferenceData.builder(model.tokenizer(), args).build();
        Trainer trainer = Trainer.builder().model(lora).arguments(args).preference(PreferenceLoss.dpo())
                .trainData(pairs.training(train)).evalData(pairs.evaluation(validation)).build();
        // end snippet
        return trainer;
    }

    static SearchResult hyperparameterSearch(SearchSpace space, TrainingArguments base, Path modelDir, Dataset train,
            Dataset validation) {
        // snippet: train/HyperparameterSearch.java
        SearchResult result = HyperparameterSearch.grid(space).run(params -> {
            TrainingArguments args = base.toBuilder().learningRate(params.getDouble("learning_rate")).build();
            try (CausalLM model = CausalLM.load(modelDir);
                    LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(params.getInt("lora_r")).build());
                    Trainer trainer = Trainer.builder().model(lora).arguments(args).trainData(train).evalData(validation)
                            .build()) {
                return trainer.train();
            }
        });
        // end snippet
        return result;
    }
}
