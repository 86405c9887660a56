package io.tunebook.examples;

import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.model.safetensors.SafetensorsFile;
import io.tunebook.model.safetensors.SafetensorsWriter;
import io.tunebook.quant.ModelMemory;
import io.tunebook.quant.QuantConfig;
import io.tunebook.quant.Quantizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The examples of {@code model}'s and {@code quant}'s Javadoc, compiled. */
final class ModelExamples {
    private ModelExamples() {
    }

    static void safetensorsWriter(Path dir, long vocab, long hidden, float[] weights) throws IOException {
        // snippet: model/safetensors/SafetensorsWriter.java
        new SafetensorsWriter()
            .metadata("format", "pt")
            .add("lm_head.weight", new long[] {vocab, hidden}, weights, Dtype.BF16)
            .write(dir.resolve("model.safetensors"));
        // end snippet
    }

    static void safetensorsFile() throws IOException {
        // snippet: model/safetensors/SafetensorsFile.java
        try (SafetensorsFile f = SafetensorsFile.open(Path.of("model.safetensors"))) {
            ByteBuffer w = f.readFloat32("model.embed_tokens.weight"); // direct, native order
        }
        // end snippet
    }

    static void causalLm() {
        // snippet: model/CausalLM.java
        try (CausalLM model = CausalLM.load(Path.of("models/tiny-base"))) {
            System.out.println(Generator.of(model).generate("Bonjour", GenerationSettings.greedy(20)).text());
            System.out.println(model.ask("Bonjour, où en est ma commande ?"));  // through its chat template
        }
        // end snippet
    }

    static void quantizer(Path dir) {
        // snippet: quant/Quantizer.java
        try (CausalLM model = Quantizer.load(dir, QuantConfig.nf4(), LoadOptions.builder().dtype("auto").build())) {
            ModelMemory memory = ModelMemory.of(model);   // quantized as read: the dense model never existed
        }
        try (CausalLM model = CausalLM.load(dir)) {
            ModelMemory memory = Quantizer.quantize(model, QuantConfig.nf4()); // an already loaded model
        }
        // end snippet
    }
}
