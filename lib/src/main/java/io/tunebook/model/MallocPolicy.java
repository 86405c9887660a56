package io.tunebook.model;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How glibc's allocator serves the large blocks that libtorch's CPU tensors take, set when a model loads, by its size.
 * The choice trades speed for peak memory (bench/README.md, "oneMKL's kernels on AMD; the allocator by model size"):
 *
 * <ul>
 *   <li>{@link #LEAN}: blocks over 4 MiB are mapped when allocated and returned when freed. Nothing freed stays
 *       resident, which is what lets real-size runs fit (Llama-3.2-1B's step 3,875 → 3,408 MiB), but every such block
 *       faults its pages in anew: an elementwise op on a 6 MB tensor took 3.2-3.8 ms against 0.25-0.7 ms.</li>
 *   <li>{@link #FAST}: blocks up to 32 MiB come from heaps glibc keeps (it trims them past 64 MiB), the ceiling its
 *       own dynamic threshold climbs to, reached at once. mid-100m's forward ran 2.5-3.6 s under glibc's default
 *       against 3.6-4.6 s under LEAN; its LoRA step under FAST at 233-259 against 192 tok/s, at a peak of 4.0 GB
 *       against 2.4 GB.</li>
 * </ul>
 *
 * A model of {@value #LEAN_FROM_PARAMETERS} parameters or more gets LEAN, a smaller one FAST; once a process has gone
 * LEAN it stays so (a notebook that loads a real model, then a small one, keeps its peak down). An environment that
 * sets {@code MALLOC_MMAP_THRESHOLD_} itself is left alone, and {@code -Dtunebook.malloc=lean|fast} overrides the size.
 */
public enum MallocPolicy {
    LEAN(4L << 20, 128L << 10, 0, 2),
    FAST(32L << 20, 64L << 20, 96L << 20, 23);

    /** From this many parameters a model is real-size: 2 GB in float32, where peak memory is what ends runs. */
    public static final long LEAN_FROM_PARAMETERS = 250_000_000L;
    /** System property: {@code lean} or {@code fast}, whatever the model's size. */
    public static final String PROPERTY = "tunebook.malloc";
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    private static MallocPolicy applied;
    private static String state = "not set: no model loaded yet";

    private final long mmapThreshold;
    private final long trimThreshold;
    private final long trainingSlackBytes;
    private final double trainingSlackPerValue;

    MallocPolicy(long mmapThreshold, long trimThreshold, long trainingSlackBytes, double trainingSlackPerValue) {
        this.mmapThreshold = mmapThreshold;
        this.trimThreshold = trimThreshold;
        this.trainingSlackBytes = trainingSlackBytes;
        this.trainingSlackPerValue = trainingSlackPerValue;
    }

    /** The policy a model of {@code parameters} gets, the property aside. */
    public static MallocPolicy forParameters(long parameters) {
        return parameters >= LEAN_FROM_PARAMETERS ? LEAN : FAST;
    }

    /**
     * Resident bytes a training step keeps beyond its arrays, for {@code values = layers × tokens × (hidden +
     * intermediate)}: freed blocks the allocator holds. LEAN: 2 bytes a value, fitted on the real shapes
     * (bench/README.md). FAST: 96 MiB, what glibc's arenas keep below their 64 MiB trim threshold whatever the
     * step's size (RealBenchTest's 50 M shape at 64 tokens peaked 90-144 MiB above its estimate without it, in three
     * runs of each phase), and 23 bytes a value (mid-100m's LoRA step at 4 × 512: 3.9-4.0 GB against 2.4 GB under
     * LEAN, over 69 M values).
     */
    public long trainingSlackBytes(long values) {
        return trainingSlackBytes + Math.round(trainingSlackPerValue * values);
    }

    /** The glibc variables that set this policy in another process: MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MALLOC_MMAP_THRESHOLD_", Long.toString(mmapThreshold));
        env.put("MALLOC_TRIM_THRESHOLD_", Long.toString(trimThreshold));
        return env;
    }

    /** What {@link #apply} did last, e.g. {@code "FAST (97,536,768 parameters)"}, for benchmarks' records. */
    public static synchronized String state() {
        return state;
    }

    /**
     * Sets the policy for a model of {@code parameters} (see the class comment) and returns what was done; without
     * glibc's {@code mallopt} nothing changes.
     *
     * @throws IllegalArgumentException naming {@value #PROPERTY} when it is set to neither lean nor fast
     */
    public static synchronized String apply(long parameters) {
        if (System.getenv("MALLOC_MMAP_THRESHOLD_") != null) {
            state = "set by the environment (MALLOC_MMAP_THRESHOLD_=" + System.getenv("MALLOC_MMAP_THRESHOLD_") + ")";
            return state;
        }
        String asked = System.getProperty(PROPERTY, "").trim().toUpperCase(Locale.ROOT);
        MallocPolicy policy;
        if (asked.isEmpty()) {
            policy = applied == LEAN ? LEAN : forParameters(parameters);
        } else {
            try {
                policy = valueOf(asked);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + System.getProperty(PROPERTY)
                        + ": expected lean or fast");
            }
        }
        if (policy != applied) {
            try {
                Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
                // mallopt answers 1 when it took the value; both are set whatever the first answered.
                int mmap = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, (int) policy.mmapThreshold});
                int trim = mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, (int) policy.trimThreshold});
                if (mmap != 1 || trim != 1) {
                    state = "not set: mallopt refused " + policy;
                    return state;
                }
            } catch (UnsatisfiedLinkError e) {
                state = "not set: no glibc mallopt (" + e.getMessage() + ")";
                return state;
            }
            applied = policy;
        }
        state = policy + String.format(Locale.ROOT, " (%,d parameters%s)", parameters,
                asked.isEmpty() ? "" : ", -D" + PROPERTY);
        return state;
    }
}
