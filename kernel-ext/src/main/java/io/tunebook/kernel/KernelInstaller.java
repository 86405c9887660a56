package io.tunebook.kernel;

import io.tunebook.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a kernelspec where Jupyter looks for kernels, as {@code jupyter kernelspec install} does:
 * system-wide ({@code /usr/local/share/jupyter/kernels}), for the user ({@code $JUPYTER_DATA_DIR}
 * or {@code ~/.local/share/jupyter}, {@code /kernels}) or under a prefix
 * ({@code PREFIX/share/jupyter/kernels}, e.g. a virtual environment or a test's temporary tree).
 */
public final class KernelInstaller {
    /** Jupyter's rule for kernel names. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]+");

    private KernelInstaller() {
    }

    /** Where kernelspecs go: one of the three places above. */
    public static Path kernelsDirectory(boolean user, Path prefix, Map<String, String> env, Path home) {
        if (user && prefix != null) {
            throw new IllegalArgumentException("--user and --prefix exclude each other");
        }
        if (prefix != null) {
            return prefix.toAbsolutePath().resolve("share/jupyter/kernels");
        }
        if (user) {
            String dataDir = env.get("JUPYTER_DATA_DIR");
            Path data = dataDir != null && !dataDir.isBlank() ? Path.of(dataDir) : home.resolve(".local/share/jupyter");
            return data.toAbsolutePath().resolve("kernels");
        }
        return Path.of("/usr/local/share/jupyter/kernels");
    }

    /**
     * Writes {@code kernelsDirectory/name/kernel.json}, replacing an earlier install of that name.
     *
     * @return the kernelspec's directory
     */
    public static Path install(Path kernelsDirectory, String name, KernelSpec spec) throws IOException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("kernel name '" + name
                    + "' may only have lower-case letters, digits, '.', '_' and '-'");
        }
        Path dir = kernelsDirectory.resolve(name);
        Files.createDirectories(dir);
        byte[] json = spec.toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(dir.resolve("kernel.json"), out -> out.write(ByteBuffer.wrap(json)));
        return dir;
    }
}
