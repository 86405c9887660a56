package io.tunebook.examples;

import io.tunebook.data.Datasets;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.quant.QuantConfig;
import io.tunebook.quant.Quantizer;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainingArguments;
import java.nio.file.Path;

/**
 * The README's library examples, compiled. Their paths are relative to the repository root, so {@link ExamplesTest}
 * runs {@link #main} in a JVM of its own whose working directory sees {@code models/} and {@code datasets/}.
 */
public final class ReadmeExamples {
    private ReadmeExamples() {
    }

    static void libraryExample() {
        // snippet: README.md
        TrainingArguments args = TrainingArguments.builder().maxSteps(8).learningRate(2e-3)   // a first look; the
                .evalSteps(8).saveSteps(8).build();                // quickstart trains two epochs (numTrainEpochs(2))
        try (CausalLM model = CausalLM.load(Path.of("models/tiny-base"));
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(16).alpha(32).dropout(0.05)
                        .targetModules("q_proj", "k_proj", "v_proj", "o_proj").build())) {
            lora.printTrainableParameters();       // trainable params: 172,032 || all params: 6,401,280 || trainable%: 2.6875
            try (Trainer trainer = Trainer.builder().model(lora).arguments(args)   // chat template, completion-only labels
                    .trainData(Datasets.load("datasets/support-fr/train.jsonl"))
                    .evalData(Datasets.load("datasets/support-fr/validation.jsonl"))
                    .outputDir(Path.of("runs/support")).build()) {
                trainer.train();                   // runs/support/adapter is a PEFT adapter
            }
            System.out.println(model.ask("Bonjour, je n'ai toujours pas reçu ma commande, que faire ?"));
        }
        // end snippet
    }

    static void loadOptionsExample() {
        // snippet: README.md
        // dtype: "float32" (default), "float16", "bfloat16" or "auto" (config.json's torch_dtype). 16-bit weights are
        // upcast per call and computed in float32; bfloat16 is held as float16 (DJL's PyTorch cannot hold bfloat16),
        // exactly for every bf16 weight in [2^-14, 65504]. Norms and biases stay float32.
        CausalLM half = CausalLM.load(Path.of("models/tiny-base"), LoadOptions.builder().dtype("auto").build());
        CausalLM nf4 = Quantizer.load(Path.of("models/tiny-base"), QuantConfig.nf4(), LoadOptions.builder().dtype("auto").build());
        // end snippet
        half.close();
        nf4.close();
    }

    /** Runs both examples; the working directory must hold (or link) the repository's models/ and datasets/. */
    public static void main(String[] args) {
        libraryExample();
        loadOptionsExample();
    }
}
