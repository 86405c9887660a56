package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelInstallerTest {
    @TempDir
    Path tmp;

    @Test
    void kernelsGoWhereJupyterLooks() {
        Path home = Path.of("/home/ana");
        assertEquals(Path.of("/usr/local/share/jupyter/kernels"),
                KernelInstaller.kernelsDirectory(false, null, Map.of(), home));
        assertEquals(Path.of("/home/ana/.local/share/jupyter/kernels"),
                KernelInstaller.kernelsDirectory(true, null, Map.of(), home));
        assertEquals(Path.of("/data/jup/kernels"),
                KernelInstaller.kernelsDirectory(true, null, Map.of("JUPYTER_DATA_DIR", "/data/jup"), home));
        assertEquals(Path.of("/venv/share/jupyter/kernels"),
                KernelInstaller.kernelsDirectory(false, Path.of("/venv"), Map.of(), home));
        assertThrows(IllegalArgumentException.class,
                () -> KernelInstaller.kernelsDirectory(true, Path.of("/venv"), Map.of(), home));
    }

    @Test
    void writesAKernelJsonWithAbsolutePathsAndMessageInterrupts() throws Exception {
        KernelSpec spec = new KernelSpec(Path.of("/usr/lib/jvm/bin/java"), "/opt/k.jar:/opt/lib/*", "Java (tunebook)");
        Path dir = KernelInstaller.install(tmp, "tunebook", spec);
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject();
        assertEquals("/usr/lib/jvm/bin/java", json.getAsJsonArray("argv").get(0).getAsString());
        assertEquals("/opt/k.jar:/opt/lib/*", json.getAsJsonArray("argv").get(4).getAsString());
        assertEquals("io.tunebook.kernel.KernelMain", json.getAsJsonArray("argv").get(5).getAsString());
        assertEquals("{connection_file}", json.getAsJsonArray("argv").get(6).getAsString());
        assertEquals("message", json.get("interrupt_mode").getAsString());
        assertEquals("java", json.get("language").getAsString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelInstaller.install(tmp, "Tune Book", spec));
        assertTrue(e.getMessage().contains("'Tune Book'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KernelSpec(Path.of("java"), "x", "y"));
    }

    @Test
    void aPackagedKernelRunsFromItsJarAndTheLibDirectoryBesideIt() throws Exception {
        Path jar = Files.createFile(tmp.resolve("tunebook-kernel.jar"));
        Files.createDirectory(tmp.resolve("lib"));
        assertEquals(jar + File.pathSeparator + tmp.resolve("lib") + File.separator + "*",
                KernelSpec.classPathOf(jar, "ignored"));
        Path classes = Files.createDirectory(tmp.resolve("classes"));
        assertEquals(classes + File.pathSeparator + Path.of("rel.jar").toAbsolutePath(),
                KernelSpec.classPathOf(classes, classes + File.pathSeparator + "rel.jar"));
    }

    @Test
    void theCommandLineInstallsUnderAPrefixAndRejectsBadArguments() {
        assertEquals(0, KernelCommandLine.run(new String[] {"install", "--prefix", tmp.toString(), "--name", "tb"}));
        assertTrue(Files.isRegularFile(tmp.resolve("share/jupyter/kernels/tb/kernel.json")));
        assertEquals(2, KernelCommandLine.run(new String[] {"install", "--bogus"}));
        assertEquals(2, KernelCommandLine.run(new String[] {"install", "--name"}));
        assertEquals(2, KernelCommandLine.run(new String[] {"install", "--user", "--prefix", tmp.toString()}));
        assertEquals(2, KernelCommandLine.run(new String[] {"uninstall"}));
        assertEquals(0, KernelCommandLine.run(new String[] {"install", "--help"}));
    }
}
