package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.tunebook.data.Dataset;
import io.tunebook.data.Datasets;
import io.tunebook.data.Example;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run made from code records its provenance: the model it was loaded from, the declared data, the adapter. */
class ProvenanceTest {
    private static final Path TINY = Path.of("../models/tiny-base");
    private static final Path TRAIN = Path.of("../datasets/support-fr/train.jsonl");

    @TempDir
    Path dir;

    @Test
    void aTrainerWithAnOutputDirectoryWritesWhatMadeTheRun() throws IOException {
        TrainingArguments args = TrainingArguments.builder().maxSteps(1).gradientAccumulationSteps(1)
                .perDeviceTrainBatchSize(2).maxSeqLength(256).saveStrategy(IntervalStrategy.NO).seed(11).build();
        Path run = dir.resolve("run");
        Dataset slice = Datasets.load(TRAIN).head(4);
        try (CausalLM model = CausalLM.load(TINY);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(2).targetModules("q_proj").build())) {
            SftData sft = SftData.builder(model.tokenizer(), args).build();
            try (Trainer trainer = Trainer.builder().model(TrainableModel.lora(lora)).arguments(args)
                    .trainData(sft.training(slice)).outputDir(run)
                    .provenance(Provenance.inputs().data("train", slice)).build()) {
                trainer.train();
                assertTrue(trainer.provenance().isPresent());
            }
        }
        Provenance p = Provenance.read(run).orElseThrow();
        JsonObject json = p.json();
        assertEquals("code", p.origin());
        assertEquals(11, p.seed());
        JsonObject base = json.getAsJsonObject("base_model");
        assertEquals(TINY.toAbsolutePath().normalize(), run.resolve(base.get("path").getAsString()).normalize());
        assertEquals(Provenance.sha256(TINY.resolve("model.safetensors")),
                base.getAsJsonObject("files").get("model.safetensors").getAsString());
        JsonObject data = json.getAsJsonArray("data").get(0).getAsJsonObject();
        assertEquals(4, data.get("rows_used").getAsInt());
        assertEquals(Provenance.sha256(TRAIN), data.get("sha256").getAsString());
        assertEquals(Provenance.sha256(run.resolve("adapter/adapter_model.safetensors")),
                json.getAsJsonObject("artifact").getAsJsonObject("files").get("adapter_model.safetensors").getAsString());
        assertEquals(11, json.getAsJsonObject("configuration").getAsJsonObject("training_arguments").get("seed")
                .getAsLong());
        assertEquals(List.of(), p.changedInputs(run));
        assertEquals(1, json.getAsJsonObject("result").get("steps").getAsInt());
    }

    @Test
    void badInputSaysWhatIsWrong() throws IOException {
        Files.writeString(dir.resolve(Provenance.FILE), "{\"format\":\"other/2\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Provenance.read(dir));
        assertTrue(e.getMessage().contains("provenance.json: field 'format' must be " + Provenance.FORMAT),
                e.getMessage());
        assertTrue(Provenance.read(dir.resolve("elsewhere")).isEmpty());
        Dataset inCode = Dataset.of(Example.of(io.tunebook.data.Conversation.of("q", "a")));
        IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class,
                () -> Provenance.inputs().data("train", inCode));
        assertTrue(noFile.getMessage().contains("built in code"), noFile.getMessage());
    }
}
