package io.tunebook.cli;

import io.tunebook.model.ModelConfig;
import io.tunebook.plan.Estimate;
import io.tunebook.plan.GpuType;
import io.tunebook.plan.Hardware;
import io.tunebook.plan.MemoryBreakdown;
import io.tunebook.plan.Method;
import io.tunebook.plan.Optimizer;
import io.tunebook.train.Precision;
import io.tunebook.plan.ReferenceModels;
import io.tunebook.plan.TrainingCost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** {@code tunebook estimate}: memory, GPU-hours and cost of a fine-tuning run, before running it. */
final class EstimateCommand implements Command {
    @Override
    public String name() {
        return "estimate";
    }

    @Override
    public String summary() {
        return "plan a run: memory breakdown, GPUs needed, GPU-hours and cost";
    }

    @Override
    public String help() {
        return "usage: tunebook estimate (--config config.json | --params 8B) --method full|lora|qlora\n"
                + "         [--seq 512] [--batch 1] [--rank 16] [--targets q_proj,k_proj,...]\n"
                + "         [--optimizer adamw_torch|adamw_8bit|paged_adamw_8bit|paged_adamw_32bit]\n"
                + "         [--precision bf16|fp16|fp32] [--no-checkpointing] [--overhead-gb 1] [--mfu 0.4]\n"
                + "         [--gpu a100-80gb [--tokens N [--epochs 1] [--price P]]] [--hardware gpu|cpu] [--json]\n"
                + "Peak training memory on one device by part (weights, adapters, gradients, optimizer states,\n"
                + "activations, overhead) in GB (10^9 bytes). --config takes a config.json or a model directory;\n"
                + "--params a reference size: " + String.join(", ", ReferenceModels.sizes()) + ".\n"
                + "Defaults: all seven projections as LoRA targets, gradient checkpointing, adamw_torch (full,\n"
                + "LoRA) or paged_adamw_8bit (QLoRA). With --gpu: how many such GPUs the run needs; with --tokens\n"
                + "(one epoch's tokens) too: FLOPs, GPU-hours at the given MFU and, with --price (per GPU-hour),\n"
                + "the cost. --hardware cpu: this engine on this machine's RAM (bench/README.md), overhead the\n"
                + "engine's resident size, adamw_torch for every method. GPUs: " + String.join(", ", Arrays.stream(GpuType.values()).map(GpuType::cliName)
                        .toList()) + ".";
    }

    @Override
    public int run(String[] argv) {
        Args a = Args.parse(name(), argv, Set.of("config", "params", "method", "seq", "batch", "rank", "targets",
                "optimizer", "precision", "overhead-gb", "mfu", "gpu", "tokens", "epochs", "price", "hardware"),
                Set.of("no-checkpointing", "json"));
        a.expectPositionals(name(), 0);
        if (a.has("config") == a.has("params")) {
            throw new UsageException(name() + ": give exactly one of --config config.json or --params SIZE");
        }
        if (!a.has("method")) {
            throw new UsageException(name() + ": --method full|lora|qlora is required");
        }
        Hardware hardware = choice("hardware", a.get("hardware", "gpu"), Hardware::parse);
        Estimate.Builder b = Estimate.builder()
                .method(choice("method", a.get("method", ""), Method::parse))
                .sequenceLength(a.getInt("seq", 512))
                .batchSize(a.getInt("batch", 1))
                .rank(a.getInt("rank", 16))
                .precision(choice("precision", a.get("precision", "bf16"), Precision::parse))
                .gradientCheckpointing(!a.has("no-checkpointing"))
                .overheadBytes(a.has("overhead-gb") || hardware != Hardware.CPU
                        ? Math.round(a.getDouble("overhead-gb", 1) * MemoryBreakdown.BYTES_PER_GB)
                        : Hardware.CPU_ENGINE_BYTES)
                .hardware(hardware)
                .mfu(a.getDouble("mfu", 0.4));
        if (a.has("params")) {
            choice("params", a.get("params", ""), b::parameters);
        } else {
            Path config = Args.existingPath(name(), a.get("config", ""));
            Path file = Files.isDirectory(config) ? config.resolve("config.json") : config;
            b.model(config.toString(), ModelConfig.read(file));
        }
        if (a.has("targets")) {
            b.targetModules(Arrays.asList(a.get("targets", "").split(",")));
        }
        if (a.has("optimizer")) {
            b.optimizer(choice("optimizer", a.get("optimizer", ""), Optimizer::parse));
        } else if (hardware == Hardware.CPU) {
            b.optimizer(Optimizer.ADAMW_TORCH);
        }
        Estimate e = choice("settings", "", s -> b.build());
        Map<String, Object> out = describe(e);
        if (a.has("gpu")) {
            GpuType gpu = choice("gpu", a.get("gpu", ""), GpuType::parse);
            out.put("gpu", gpu.cliName());
            out.put("gpus_needed", e.gpusNeeded(gpu));
            if (a.has("tokens")) {
                TrainingCost c = choice("tokens", "", s -> e.cost(longValue(a, "tokens"), a.getDouble("epochs", 1), gpu,
                        a.getDouble("price", 0)));
                out.put("flops", c.flops());
                out.put("gpu_hours", round(c.gpuHours()));
                out.put("wall_hours", round(c.wallHours()));
                if (a.has("price")) {
                    out.put("cost", round(c.cost()));
                }
            }
        } else if (a.has("tokens")) {
            throw new UsageException(name() + ": --tokens needs --gpu to turn FLOPs into hours");
        }
        if (a.has("json")) {
            System.out.println(Json.GSON.toJson(out));
        } else {
            out.forEach((k, v) -> System.out.printf("%-24s %s%n", k, v));
        }
        return 0;
    }

    private static Map<String, Object> describe(Estimate e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", e.modelName());
        out.put("method", e.method().cliName());
        out.put("parameters", e.parameters());
        out.put("trainable_parameters", e.trainableParameters());
        out.put("seq", e.sequenceLength());
        out.put("batch", e.batchSize());
        if (e.method() != Method.FULL) {
            out.put("rank", e.rank());
            out.put("targets", e.targetModules());
        }
        out.put("optimizer", e.optimizer().hfName());
        out.put("precision", e.precision().cliName());
        out.put("gradient_checkpointing", e.gradientCheckpointing());
        out.putAll(e.memory().gigabytes());
        return out;
    }

    /** Applies a parse or build step whose IllegalArgumentException is a usage error (exit 2). */
    private <T> T choice(String option, String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(name() + ": " + (value.isEmpty() ? "" : "--" + option + ": ") + ex.getMessage());
        }
    }

    private long longValue(Args a, String option) {
        String v = a.get(option, "");
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException ex) {
            throw new UsageException(name() + ": --" + option + " must be an integer, got '" + v + "'");
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
