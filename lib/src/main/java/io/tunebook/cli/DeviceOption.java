package io.tunebook.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --device cpu|gpu|gpu:N} and the {@code model.device} key of run configs: the device a
 * command's model is loaded on. Every tensor of a run is created on the model's device (the
 * library derives all its managers from the model's), so this choice is the only one.
 *
 * <p>Leaving it out keeps DJL's choice ({@code Engine.defaultDevice()}: the first GPU when the
 * engine sees one, else the CPU), as {@code CausalLM.load(dir)} does.
 */
final class DeviceOption {
    /** The valued option's name, for the {@code Args.parse} sets of the commands that run a model. */
    static final String FLAG = "device";

    static final String HELP = "--device cpu | gpu | gpu:N puts the model on that device (default: the first GPU DJL's\n"
            + "PyTorch engine sees, else the CPU; the README's GPU section says how to give it CUDA natives).";

    private static final Pattern GPU = Pattern.compile("gpu(?::(\\d{1,4}))?");

    private DeviceOption() {
    }

    /**
     * The device {@code value} names, or the engine's default when it is null.
     *
     * @param where what the value came from, leading every error: {@code "generate: --device"} or
     *     {@code "run.yaml: 'model.device'"}
     * @throws UsageException for a value that is not cpu, gpu or gpu:N, or a GPU the engine does not see
     */
    static Device parse(String where, String value) {
        if (value == null) {
            return Engine.getInstance().defaultDevice();
        }
        // Counting GPUs loads the engine: only a GPU request pays for it before the model loads.
        return parse(where, value, () -> Engine.getInstance().getGpuCount());
    }

    /** {@link #parse(String, String)} against {@code visibleGpus} (what DJL's engine reports), for tests. */
    static Device parse(String where, String value, IntSupplier visibleGpus) {
        Objects.requireNonNull(value, "value");
        if (value.equals("cpu")) {
            return Device.cpu();
        }
        Matcher m = GPU.matcher(value);
        if (!m.matches()) {
            throw new UsageException(where + " must be cpu, gpu or gpu:N, got '" + value + "'");
        }
        int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        int gpus = visibleGpus.getAsInt();
        if (gpus == 0) {
            throw new UsageException(where + " " + value + ": no CUDA device is visible to DJL's PyTorch engine;"
                    + " see the GPU section of README.md");
        }
        if (index >= gpus) {
            throw new UsageException(where + " " + value + ": DJL's PyTorch engine sees " + gpus
                    + (gpus == 1 ? " GPU (gpu:0)" : " GPUs (gpu:0 to gpu:" + (gpus - 1) + ")"));
        }
        return Device.gpu(index);
    }

    /** The device {@code --device} names on {@code command}'s line, or the engine's default without it. */
    static Device fromFlag(String command, Args args) {
        return parse(command + ": --" + FLAG, args.get(FLAG, null));
    }

    /**
     * The device of a run config's model: {@code --device} when given (recorded as the resolved
     * {@code model.device}), else the section's {@code device} key.
     */
    static Device fromRun(String command, Args args, YamlSection modelSection, String file) {
        String inFile = modelSection.string(FLAG, null);
        if (args.has(FLAG)) {
            modelSection.override(FLAG, args.get(FLAG, null));
            return fromFlag(command, args);
        }
        return parse(file + ": 'model." + FLAG + "'", inFile);
    }
}
