package io.tunebook.plan;

import io.tunebook.train.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The check every command that loads a model for training runs first: a run whose weights cannot
 * fit in this machine's available memory is refused before anything is loaded, with the numbers,
 * rather than killed by the kernel halfway through loading.
 */
public final class HostMemory {
    static final Path MEMINFO = Path.of("/proc/meminfo");

    private HostMemory() {
    }

    /** {@code MemAvailable} from {@code /proc/meminfo}, in bytes; empty where the kernel does not say. */
    public static OptionalLong available() {
        try {
            return parseAvailable(Files.readString(MEMINFO));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong parseAvailable(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemAvailable:")) {
                String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
                try {
                    long kib = Long.parseLong(parts[0]);
                    return OptionalLong.of(kib * 1024);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /** {@link #requireWeightsFit(Estimate, long)} against this machine's {@code MemAvailable}, when known. */
    public static void requireWeightsFit(Estimate run) {
        OptionalLong available = available();
        if (available.isPresent()) {
            requireWeightsFit(run, available.getAsLong());
        }
    }

    /**
     * Refuses a run whose weights alone (as the run holds them) exceed {@code availableBytes}.
     *
     * @throws InsufficientMemoryException naming the model, the method, the weights and the memory
     */
    public static void requireWeightsFit(Estimate run, long availableBytes) {
        MemoryBreakdown m = run.memory();
        long weights = m.weights() + m.adapters();
        if (weights > availableBytes) {
            throw new InsufficientMemoryException(String.format(Locale.ROOT,
                    "%s: %s needs %.2f GB for its weights alone (%,d parameters; estimated peak %.2f GB) but this"
                            + " machine has %.2f GB available (MemAvailable in %s); refused before loading%s",
                    run.modelName(), run.method().cliName(), weights / 1e9, run.parameters(), m.total() / 1e9,
                    availableBytes / 1e9, MEMINFO, run.method() == Method.QLORA ? "" : ": QLoRA would hold "
                            + String.format(Locale.ROOT, "%.2f GB of weights", qloraWeights(run) / 1e9)));
        }
    }

    /**
     * A warning when the run's weights fit but its estimated peak exceeds {@code availableBytes}
     * (the estimate can be high, so this does not refuse), or empty.
     */
    public static Optional<String> peakWarning(Estimate run, long availableBytes) {
        MemoryBreakdown m = run.memory();
        if (m.total() <= availableBytes) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%s: %s's estimated peak is %.2f GB but this machine has %.2f GB"
                + " available (MemAvailable in %s): it may be killed for memory", run.modelName(),
                run.method().cliName(), m.total() / 1e9, availableBytes / 1e9, MEMINFO));
    }

    /** {@link #peakWarning(Estimate, long)} against this machine's {@code MemAvailable}, when known. */
    public static Optional<String> peakWarning(Estimate run) {
        OptionalLong available = available();
        return available.isPresent() ? peakWarning(run, available.getAsLong()) : Optional.empty();
    }

    private static long qloraWeights(Estimate run) {
        return new Estimate(run.modelName(), run.model(), Method.QLORA, run.sequenceLength(), run.batchSize(),
                run.rank(), Estimate.PROJECTIONS, run.optimizer(), true, Precision.BF16, run.flashAttention(),
                run.overheadBytes(), run.mfu(), run.quantization(), run.hardware()).memory().weights();
    }

    /** A run that cannot fit in this machine's memory. */
    public static final class InsufficientMemoryException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        InsufficientMemoryException(String message) {
            super(message);
        }
    }
}
