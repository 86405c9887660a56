package io.tunebook.model;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineProvider;
import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Lets the oneMKL inside libtorch pick its float32 matmul kernels by the instruction sets of an AMD processor, as it
 * does on Intel's. MKL's dispatcher first asks {@code mkl_serv_intel_cpu_true()}; on AMD it answers no and every
 * product takes a generic branch, a third slower than the AVX-512 one on this project's Zen 4 machine and slower than
 * PyTorch on OpenBLAS (bench/README.md, "oneMKL's kernels on AMD"). tunebook's build compiles a one-function library
 * answering yes ({@code src/main/c/mkl_intel_cpu.c}); loaded into the process's global scope before libtorch, it is the
 * definition libtorch's calls bind to. MKL then still checks the instruction sets themselves, so nothing runs that
 * the processor lacks; results differ from the generic branch by float rounding only (another summation order).
 *
 * <p>It runs at the one moment that is early enough whatever a program calls first: DJL instantiates every
 * {@link EngineProvider} on the class path in {@link Engine}'s static initializer, before any engine loads its
 * natives. That is the only reason this class is a provider; its "engine" is the PyTorch one under another name,
 * ranked last, so it is never the default. {@code -Dtunebook.mkl.intelPaths=false} leaves MKL's own choice;
 * {@link #describe()} says what was done and which branch MKL runs.
 */
public final class MklDispatch implements EngineProvider {
    /** System property: {@code false} leaves MKL's own choice of kernels. */
    public static final String PROPERTY = "tunebook.mkl.intelPaths";
    static final String SHIM = "/io/tunebook/model/native/libtunebook-mkl-intel-cpu.so";
    /** {@code mkl_cbwr.h}'s branch numbers, as {@link #branch()} returns them. */
    private static final Map<Integer, String> BRANCHES = Map.ofEntries(Map.entry(2, "AUTO"), Map.entry(3, "COMPATIBLE"),
            Map.entry(4, "SSE2"), Map.entry(6, "SSSE3"), Map.entry(7, "SSE4_1"), Map.entry(8, "SSE4_2"),
            Map.entry(9, "AVX"), Map.entry(10, "AVX2"), Map.entry(12, "AVX512"), Map.entry(14, "AVX512_E1"));
    static final int AVX2_BRANCH = 10;
    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_NOLOAD = 0x4;
    private static final int RTLD_GLOBAL = 0x100;

    private static String state;
    /** Held for the life of the process: libtorch's binding points into it (the library is also built nodelete). */
    @SuppressWarnings("unused")
    private static NativeLibrary shim;

    /** Called by DJL's {@link java.util.ServiceLoader}; loads the shim when it applies, and never throws. */
    public MklDispatch() {
        prepare();
    }

    @Override
    public String getEngineName() {
        return "TunebookMklDispatch";
    }

    @Override
    public int getEngineRank() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Engine getEngine() {
        return Engine.getEngine("PyTorch");
    }

    /**
     * Loads the shim if it applies and has not been, and says what was done: {@code "loaded (AuthenticAMD)"}, or why
     * not. Too late to matter once libtorch is loaded, which is why DJL calls it (see the class comment).
     */
    public static synchronized String prepare() {
        if (state == null) {
            try {
                state = load();
            } catch (IOException | RuntimeException | LinkageError e) {
                state = "failed to load: " + e; // MKL keeps its own choice; nothing else changes
            }
        }
        return state;
    }

    private static String load() throws IOException {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return "off (-D" + PROPERTY + "=false)";
        }
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "not needed: not Linux x86_64";
        }
        String vendor = cpuInfo("vendor_id").orElse("unknown");
        if (vendor.equals("GenuineIntel")) {
            return "not needed: an Intel processor";
        }
        if (MklDispatch.class.getResource(SHIM) == null) {
            return "not built: tunebook was built without a C compiler (cc)";
        }
        File file = Native.extractFromResourcePath(SHIM, MklDispatch.class.getClassLoader());
        shim = NativeLibrary.getInstance(file.getAbsolutePath(),
                Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL));
        return "loaded (" + vendor + ")";
    }

    /**
     * The branch MKL's dispatcher picks in this process ({@code mkl_serv_cbwr_get_auto_branch}, e.g. 14 for
     * AVX512_E1, 2 for AUTO: what it answers for a processor it does not take as Intel's), loading the engine if it
     * is not yet; empty where libtorch carries no MKL or does not export the call.
     */
    public static Optional<Integer> branch() {
        return branch(libtorchCpu());
    }

    private static Optional<Integer> branch(Optional<NativeLibrary> libtorch) {
        return libtorch.flatMap(lib -> function(lib, "mkl_serv_cbwr_get_auto_branch"))
                .map(f -> f.invokeInt(new Object[0]));
    }

    /** e.g. {@code "oneMKL 2024.2, branch AVX512_E1; shim: loaded (AuthenticAMD)"}, for benchmarks' records. */
    public static String describe() {
        Optional<NativeLibrary> lib = libtorchCpu();
        String version = lib.flatMap(l -> function(l, "MKL_Get_Version_String")).map(f -> {
            try (Memory text = new Memory(256)) {
                text.clear();
                f.invokeVoid(new Object[] {text, 255});
                return text.getString(0, StandardCharsets.US_ASCII.name()).trim();
            }
        }).orElse("no MKL");
        String shortVersion = version.replaceFirst("^Intel\\(R\\) oneAPI Math Kernel Library Version ", "oneMKL ")
                .replaceFirst("-?\\s*Product Build.*$", "");
        String branch = branch(lib).map(b -> BRANCHES.getOrDefault(b, String.valueOf(b))).orElse("unknown");
        return shortVersion + ", branch " + branch + "; shim: " + prepare();
    }

    /** libtorch_cpu.so as this process loaded it (DJL's copy), found in /proc/self/maps; the engine is loaded first. */
    private static Optional<NativeLibrary> libtorchCpu() {
        Engine.getInstance();
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            return maps.stream().map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(p -> p.endsWith("/libtorch_cpu.so")).findFirst()
                    .map(p -> NativeLibrary.getInstance(p, Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_NOLOAD)));
        } catch (IOException | UnsatisfiedLinkError e) {
            return Optional.empty();
        }
    }

    private static Optional<Function> function(NativeLibrary lib, String name) {
        try {
            return Optional.of(lib.getFunction(name));
        } catch (UnsatisfiedLinkError e) {
            return Optional.empty();
        }
    }

    /** A field of /proc/cpuinfo's first processor ({@code vendor_id}, {@code flags}). */
    static Optional<String> cpuInfo(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(field)) {
                    return Optional.of(line.substring(colon + 1).trim());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
