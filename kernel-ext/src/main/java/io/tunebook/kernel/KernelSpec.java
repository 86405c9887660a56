package io.tunebook.kernel;

import com.google.gson.GsonBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jupyter kernelspec ({@code kernel.json}) that starts this kernel. Every path in it is absolute
 * (the Java executable, the kernel jar and its {@code lib/} directory), so notebooks in any
 * directory start the same kernel. Interrupts arrive as messages, which the kernel maps to
 * {@link io.tunebook.display.notebook.Interrupts}.
 *
 * @param classPath the kernel's class path, absolute
 */
public record KernelSpec(Path java, String classPath, String displayName) {
    public KernelSpec {
        if (!java.isAbsolute()) {
            throw new IllegalArgumentException("the java executable must be an absolute path, got " + java);
        }
        if (displayName.isBlank()) {
            throw new IllegalArgumentException("the display name must not be blank");
        }
    }

    /** The spec for the running JVM and the kernel classes it loaded (see {@link #classPathOf}). */
    public static KernelSpec current(String displayName) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path location = Path.of(codeSource());
        return new KernelSpec(java, classPathOf(location, System.getProperty("java.class.path")), displayName);
    }

    /**
     * The class path a kernelspec starts the kernel with: the packaged jar and every jar of the
     * {@code lib/} directory beside it (as the build lays them out), else the current class path
     * made absolute (when the kernel runs from class directories, as in a development build).
     */
    static String classPathOf(Path kernelLocation, String currentClassPath) {
        Path lib = kernelLocation.toAbsolutePath().resolveSibling("lib");
        if (Files.isRegularFile(kernelLocation) && Files.isDirectory(lib)) {
            return kernelLocation.toAbsolutePath() + File.pathSeparator + lib + File.separator + "*";
        }
        StringBuilder b = new StringBuilder();
        for (String entry : currentClassPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                b.append(b.length() == 0 ? "" : File.pathSeparator).append(Path.of(entry).toAbsolutePath());
            }
        }
        return b.toString();
    }

    private static java.net.URI codeSource() {
        try {
            return KernelSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the kernel's jar", e);
        }
    }

    /** {@code argv} of kernel.json; Jupyter replaces {@code {connection_file}}. */
    public List<String> argv() {
        return List.of(java.toString(), "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp", classPath,
                KernelMain.class.getName(), "{connection_file}");
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("argv", argv());
        json.put("display_name", displayName);
        json.put("language", "java");
        json.put("interrupt_mode", "message");
        json.put("metadata", Map.of("debugger", false));
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json) + "\n";
    }
}
