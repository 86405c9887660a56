package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.cli.CliTest.Outcome;
import io.tunebook.data.Dataset;
import io.tunebook.data.Datasets;
import io.tunebook.data.Message;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.quant.Closeness;
import io.tunebook.quant.QuantConfig;
import io.tunebook.quant.Quantizer;
import io.tunebook.train.SftData;
import io.tunebook.train.TrainableModel;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainingArguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunebook train} on LoRA fine-tuning of the shipped model with a slice of the shipped support data. */
class TrainCommandTest {
    private static final Path TINY = Path.of("../models/tiny-base");

    @TempDir
    Path dir;

    private Path config(String training) throws IOException {
        Path support = Path.of("../datasets/support-fr").toAbsolutePath().normalize();
        Files.write(dir.resolve("train.jsonl"), Files.readAllLines(support.resolve("train.jsonl")).subList(0, 24));
        Files.write(dir.resolve("validation.jsonl"), Files.readAllLines(support.resolve("validation.jsonl")).subList(0, 4));
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, "model:\n  path: " + Path.of("../models/tiny-base").toAbsolutePath().normalize() + "\n"
                + "data:\n  train: train.jsonl\n  validation: validation.jsonl\n"
                + "lora:\n  r: 8\n  alpha: 16\n  target_modules: [q_proj, v_proj]\n"
                + "training:\n  micro_batch_size: 2\n  gradient_accumulation_steps: 2\n  learning_rate: 1.0e-3\n"
                + "  logging_steps: 1\n  eval_strategy: steps\n  eval_steps: 2\n  save_steps: 2\n  sequence_len: 384\n"
                + training
                + "output:\n  dir: out\n");
        return config;
    }

    private static List<JsonObject> metrics(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).collect(Collectors.toList());
    }

    @Test
    void loraRunWritesAPeftAdapterMetricsAndResumesExactly() throws IOException {
        Path config = config("  max_steps: 4\n");
        Outcome o = CliTest.run("train", config.toString());
        assertEquals(0, o.code(), o.err());
        Path run = dir.resolve("out");
        JsonObject adapter = JsonParser.parseString(Files.readString(run.resolve("adapter/adapter_config.json")))
                .getAsJsonObject();
        assertEquals("LORA", adapter.get("peft_type").getAsString());
        assertEquals(8, adapter.get("r").getAsInt());
        assertTrue(Files.exists(run.resolve("adapter/adapter_model.safetensors")));
        assertTrue(Files.exists(run.resolve("checkpoint-2/adapter/adapter_model.safetensors")));
        String resolved = Files.readString(run.resolve("config.yaml"));
        assertTrue(resolved.contains("  num_train_epochs: 3\n"), "the library's defaults resolved, under HF names: " + resolved);
        assertTrue(resolved.contains("  per_device_train_batch_size: 2\n") && !resolved.contains("micro_batch_size"),
                "an Axolotl spelling is recorded under its HF name: " + resolved);
        assertTrue(resolved.contains("  lora_alpha: 16.0\n"), resolved);
        List<JsonObject> lines = metrics(run);
        List<JsonObject> steps = lines.stream().filter(l -> l.has("loss")).collect(Collectors.toList());
        assertEquals(4, steps.size());
        assertTrue(steps.stream().allMatch(l -> l.has("step") && l.has("lr") && l.has("epoch")));
        assertEquals(2, lines.stream().filter(l -> l.has("eval_loss")).count());
        // r (in + out) for q (256 -> 256) and v (256 -> 128) in 6 layers.
        assertTrue(o.err().contains("trainable params: " + String.format("%,d", 6 * 8 * (512 + 384))), o.err());

        // The same run again, cut back to its step-2 checkpoint and resumed: the same losses.
        Path again = dir.resolve("again");
        assertEquals(0, CliTest.run("train", config.toString(), "--output", again.toString()).code());
        io.tunebook.io.AtomicDirectory.deleteRecursively(again.resolve("checkpoint-4"));
        Outcome resumed = CliTest.run("train", config.toString(), "--output", again.toString(), "--resume", "latest");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(steps.stream().map(l -> l.get("loss").getAsDouble()).collect(Collectors.toList()),
                metrics(again).stream().filter(l -> l.has("loss")).map(l -> l.get("loss").getAsDouble())
                        .collect(Collectors.toList()));

        Outcome chat = CliTest.run("generate", "../models/tiny-base", "--adapter", run.resolve("adapter").toString(),
                "--chat", "--prompt", "Bonjour, où est ma commande ?", "--max-new-tokens", "8", "--json");
        assertEquals(0, chat.code(), chat.err());
        assertFalse(JsonParser.parseString(chat.out()).getAsJsonObject().get("text").getAsString().isEmpty());
    }

    @Test
    void anOutputDirectoryHoldsOneRunAndResumeKeepsItsSettings() throws IOException {
        Path config = config("  max_steps: 2\n");
        assertEquals(0, CliTest.run("train", config.toString()).code());
        Path run = dir.resolve("out");
        Outcome again = CliTest.run("train", config.toString());
        assertEquals(2, again.code(), again.err());
        assertEquals("tunebook train: " + run + " already holds a run (adapter, checkpoint-2, config.yaml, metrics.jsonl):"
                + " pass --overwrite to replace it, --resume latest to continue it, or choose another output.dir\n",
                again.err());

        // --overwrite clears the earlier run, so a stale checkpoint cannot be resumed by mistake later.
        Files.createDirectories(run.resolve("checkpoint-9"));
        Files.writeString(run.resolve("checkpoint-9/trainer_state.json"), "{}");
        Outcome replaced = CliTest.run("train", config.toString(), "--overwrite");
        assertEquals(0, replaced.code(), replaced.err());
        assertFalse(Files.exists(run.resolve("checkpoint-9")));
        assertTrue(Files.exists(run.resolve("checkpoint-2/trainer_state.json")));

        // The same settings under Hugging Face's and PEFT's names are the same run: resuming with them is accepted.
        Path renamed = dir.resolve("renamed.yaml");
        Files.writeString(renamed, Files.readString(config).replace("micro_batch_size", "per_device_train_batch_size")
                .replace("sequence_len", "max_seq_length").replace("  alpha: 16", "  lora_alpha: 16"));
        Outcome same = CliTest.run("train", renamed.toString(), "--resume", "latest");
        assertEquals(0, same.code(), same.err());

        // Resuming with another setting is refused, naming it; step limits may change.
        Files.writeString(config, Files.readString(config).replace("learning_rate: 1.0e-3", "learning_rate: 2.0e-3"));
        Outcome changed = CliTest.run("train", config.toString(), "--resume", "latest");
        assertEquals(2, changed.code(), changed.err());
        assertTrue(changed.err().contains("belongs to a run with training.learning_rate: 0.001, this config has"
                + " training.learning_rate: 0.002"), changed.err());
        Files.writeString(dir.resolve("out/notes.txt"), "mine");
        Outcome foreign = CliTest.run("train", config.toString(), "--overwrite");
        assertEquals(2, foreign.code(), foreign.err());
        assertTrue(foreign.err().contains("holds files that are not a run's (notes.txt); not clearing it"), foreign.err());
    }

    /**
     * QLoRA trains on an NF4 base and writes a plain PEFT adapter. Loaded on a base quantized again
     * the same way it reproduces the run's last validation loss (quantization is deterministic, so
     * the model is the one that trained: 1e-5 relative allows float summation order only). Loaded
     * on the dense base it gives logits within the NF4 bound of QuantizerTest (relative L2 < 6%,
     * KL < 0.01 nats, top-1 kept at 90% of positions): the adapter is a small update, and what
     * separates the two is the base's quantization error alone.
     */
    @Test
    void qloraRunTrainsOnAQuantizedBaseAndItsAdapterLoadsOnDenseAndQuantizedBases() throws IOException {
        Path config = config("  method: qlora\n  max_steps: 1\n  warmup_ratio: 0\n");
        Outcome o = CliTest.run("train", config.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("base quantized to nf4 as read: 42 layers, 0.5159 bytes per quantized weight"),
                o.err());
        assertTrue(o.err().contains("(other weights in float16)"), "model.dtype auto on a bf16 base: " + o.err());
        Path run = dir.resolve("out");
        Path adapterDir = run.resolve("adapter");
        JsonObject adapter = JsonParser.parseString(Files.readString(adapterDir.resolve("adapter_config.json")))
                .getAsJsonObject();
        assertEquals("LORA", adapter.get("peft_type").getAsString());
        assertFalse(adapter.toString().contains("nf4"), "the adapter config stays plain PEFT: " + adapter);
        String resolved = Files.readString(run.resolve("config.yaml"));
        assertTrue(resolved.contains("  dtype: auto\n"), resolved);
        assertTrue(resolved.contains("quantization:\n  type: nf4\n  block_size: 64\n  double_quant: true\n"
                + "  compute_dtype: f32\n"), resolved);
        double lastEval = metrics(run).stream().filter(l -> l.has("eval_loss"))
                .reduce((a, b) -> b).orElseThrow().get("eval_loss").getAsDouble();

        Dataset validation = Datasets.from(List.of(dir.resolve("validation.jsonl"))).load();
        long[] ids;
        float[] denseBase;
        float[] denseAdapted;
        try (CausalLM dense = CausalLM.load(TINY)) {
            ids = dense.tokenizer().encode(validation.get(0).conversation().messages().stream().map(Message::content)
                    .collect(Collectors.joining("\n")), true);
            denseBase = Closeness.logits(dense, ids);
            try (LoraModel lora = LoraModel.load(dense, adapterDir)) {
                denseAdapted = Closeness.logits(dense, ids);
            }
        }
        try (CausalLM quantized = Quantizer.load(TINY, QuantConfig.nf4(), LoadOptions.builder().dtype("auto").build())) {
            try (LoraModel lora = LoraModel.load(quantized, adapterDir)) {
                int vocab = quantized.config().vocabSize();
                Closeness c = Closeness.of(denseAdapted, Closeness.logits(quantized, ids), vocab);
                assertTrue(c.relativeError() < 0.06 && c.kl() < 0.01 && c.top1() >= 0.9, c.toString());
                assertTrue(Closeness.of(denseBase, denseAdapted, vocab).relativeError() > 1e-3,
                        "a step at lr 1e-3 must move the adapter off its zero start");

                TrainingArguments args = TrainingArguments.builder().maxSeqLength(384).build();
                SftData sft = SftData.builder(quantized.tokenizer(), args).build();
                try (Trainer trainer = Trainer.builder().model(TrainableModel.lora(lora)).arguments(args)
                        .trainData(sft.training(validation)).build()) {
                    double replayed = trainer.evaluate(sft.evaluation(validation));
                    assertEquals(lastEval, replayed, 1e-5 * lastEval);
                }
            }
        }
    }

    @Test
    void aBaseWhoseWeightsCannotFitInMemoryIsRefusedBeforeLoading() throws IOException {
        // Llama-3.1-8B's published shape in float32 (32 GB), and no weights at all: the planner refuses
        // it from config.json alone, before a byte is read, with the numbers.
        Path big = dir.resolve("llama-8b");
        Files.createDirectories(big);
        Files.copy(Path.of("../bench/configs/llama-3.1-8b.json"), big.resolve("config.json"));
        config("");
        Path config = dir.resolve("big.yaml");
        Files.writeString(config, "model:\n  path: " + big + "\ndata:\n  train: train.jsonl\n"
                + "training:\n  method: full\n  max_steps: 1\noutput:\n  dir: out\n");
        Outcome o = CliTest.run("train", config.toString());
        if (io.tunebook.plan.HostMemory.available().orElse(Long.MAX_VALUE) > 40e9) {
            return; // a machine this large would load it (and fail on the missing weights instead)
        }
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().startsWith("tunebook train: llama-8b: full needs 32.12 GB for its weights alone"
                + " (8,030,261,248 parameters;"), o.err());
        assertTrue(o.err().contains("MemAvailable in /proc/meminfo); refused before loading: QLoRA would hold"), o.err());
        assertFalse(Files.exists(dir.resolve("out/config.yaml")), "nothing written");
    }

    @Test
    void quantizationNeedsQloraAndValidSettings() throws IOException {
        Path config = config("  method: lora\n");
        Files.writeString(config, Files.readString(config) + "quantization:\n  type: nf4\n");
        Outcome o = CliTest.run("train", config.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("a quantization section needs training.method qlora, not lora"), o.err());
        for (String[] bad : new String[][] {
            {"  type: nf3\n", "quantization.type must be nf4, fp4 or int8, got 'nf3'"},
            {"  block_size: 63\n", "quantization: blockSize must be even and in [2, 4096], got 63"},
            {"  compute_dtype: f16\n", "quantization.compute_dtype must be f32 to train, got 'f16'"},
            {"  doublequant: true\n", "unknown key 'quantization.doublequant'"}}) {
            config = config("  method: qlora\n");
            Files.writeString(config, Files.readString(config) + "quantization:\n" + bad[0]);
            o = CliTest.run("train", config.toString());
            assertEquals(2, o.code(), o.err());
            assertTrue(o.err().contains(bad[1]), o.err());
        }
    }

    private static Path withModelDtype(Path config, String dtype) throws IOException {
        Files.writeString(config, Files.readString(config).replace("model:\n", "model:\n  dtype: " + dtype + "\n"));
        return config;
    }

    @Test
    void badSettingsNameTheirKey() throws IOException {
        Outcome o = CliTest.run("train", config("  lr_schedulr: cosine\n").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("unknown key 'training.lr_schedulr'"), o.err());
        o = CliTest.run("train", config("  per_device_train_batch_size: 2\n").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("'training.per_device_train_batch_size' and 'training.micro_batch_size' are one "
                + "setting under two names: keep one"), o.err());
        o = CliTest.run("train", config("  precision: fp32\n  bf16: true\n").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("training.precision and training.bf16 both set the precision: keep one"), o.err());
        o = CliTest.run("train", config("  warmup_ratio: 1.5\n").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("training: warmupRatio must be in [0, 1), got 1.5"), o.err());
        Path config = config("");
        Files.writeString(config, Files.readString(config).replace("output:\n", "output:\n  save_dtype: f8\n"));
        o = CliTest.run("train", config.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("output.save_dtype must be f32, f16 or bf16, got 'f8'"), o.err());
        Files.writeString(config, Files.readString(config).replace("  save_dtype: f8\n", "")
                .replace("data:\n", "data:\n  chat_template: vicuna\n"));
        o = CliTest.run("train", config.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("data.chat_template: "), o.err());
        o = CliTest.run("train", withModelDtype(config(""), "int4").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("model.dtype must be auto, float32, float16 or bfloat16, got 'int4'"), o.err());
        Path full = withModelDtype(config("  method: full\n"), "bfloat16");
        Files.writeString(full, Files.readString(full).replace("lora:\n  r: 8\n  alpha: 16\n  target_modules: [q_proj, v_proj]\n", ""));
        o = CliTest.run("train", full.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("model.dtype must be float32 for training.method full"), o.err());
    }
}
