package io.tunebook.quant;

import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.ParameterLayout;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.model.safetensors.Half;
import io.tunebook.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Peak resident memory of loading, one mode per fresh JVM (not a test; VmHWM only grows, so each
 * mode needs its own process):
 *
 * <pre>
 * java -cp ... io.tunebook.quant.LoadMemoryProbe make CONFIG.json DIR   # random bf16 checkpoint
 * java -cp ... io.tunebook.quant.LoadMemoryProbe load DIR MODE          # MODE: none | float32 | float16 | nf4 | nf4-after-load
 * </pre>
 *
 * {@code none} starts the engine and loads nothing (the baseline); {@code nf4} quantizes as it
 * reads ({@link Quantizer#load}); {@code nf4-after-load} is the older path, a float32 load then
 * {@link Quantizer#quantize}.
 */
public final class LoadMemoryProbe {
    private LoadMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("make")) {
            make(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        Path dir = Path.of(args[1]);
        String mode = args[2];
        long start = System.nanoTime();
        CausalLM model = switch (mode) {
            case "none" -> {
                ai.djl.engine.Engine.getInstance().newBaseManager().close();
                yield null;
            }
            case "float32", "float16" -> CausalLM.load(dir, LoadOptions.builder().dtype(mode).build());
            case "nf4" -> Quantizer.load(dir, QuantConfig.nf4(), LoadOptions.builder().dtype("auto").build());
            case "nf4-after-load" -> {
                CausalLM m = CausalLM.load(dir);
                Quantizer.quantize(m, QuantConfig.nf4());
                yield m;
            }
            default -> throw new IllegalArgumentException("mode none | float32 | float16 | nf4 | nf4-after-load");
        };
        double seconds = (System.nanoTime() - start) / 1e9;
        String weights = "";
        if (model != null) {
            ModelMemory memory = ModelMemory.of(model);
            weights = String.format(Locale.ROOT, " weights_mib=%.1f", memory.totalBytes() / 1048576.0);
        }
        System.out.printf(Locale.ROOT, "mode=%s load_s=%.1f%s %s %s%n", mode, seconds, weights, status("VmHWM"),
                status("VmRSS"));
        if (model != null) {
            model.close();
        }
    }

    private static String status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%s_mib=%.0f", field, kb / 1024.0);
            }
        }
        return field + "=?";
    }

    /** A bf16 checkpoint of {@code config}'s shape with N(0, 0.02) weights and unit norms, written tensor by tensor. */
    private static void make(Path configFile, Path dir) throws IOException {
        Files.createDirectories(dir);
        String json = Files.readString(configFile).replace("\"torch_dtype\": \"float32\"", "\"torch_dtype\": \"bfloat16\"");
        Files.writeString(dir.resolve("config.json"), json);
        ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        SplittableRandom random = new SplittableRandom(1);
        for (Map.Entry<String, long[]> e : ParameterLayout.of(config).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            long count = n;
            boolean norm = ParameterLayout.isNorm(e.getKey());
            writer.add(e.getKey(), Dtype.BF16, e.getValue(), out -> {
                ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (long done = 0; done < count; ) {
                    chunk.clear();
                    while (chunk.hasRemaining() && done < count) {
                        float v = norm ? 1f : (float) (random.nextDouble(-1, 1) * 0.0346); // std 0.02
                        chunk.putShort(Half.floatToBf16(v));
                        done++;
                    }
                    out.write(chunk.flip());
                }
            });
        }
        writer.write(dir.resolve("model.safetensors"));
        System.out.println("wrote " + dir + " (" + ParameterLayout.count(ParameterLayout.of(config)) + " parameters)");
    }
}
