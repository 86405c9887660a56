package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code target/tunebook-all.jar} in a foreign Java kernel: a stock IJava 1.3 puts Gson 2.8.5 and commons-lang3
 * 3.8.1 on its class path ahead of anything {@code %jars} adds (the build copies both to
 * {@code target/host-kernel/}). Each check runs tunebook in a fresh JVM with that class path, the kernel's jars
 * first, and compares its output with the same command run in this JVM.
 */
class HostKernelJarIT {
    private static final Path ROOT = Path.of(System.getProperty("tunebook.root", ".."));
    private static final Path TARGET = ROOT.resolve("lib/target");
    private static final Path ALL = TARGET.resolve("tunebook-all.jar");
    private static final List<Path> HOST = List.of(TARGET.resolve("host-kernel/gson-2.8.5.jar"),
            TARGET.resolve("host-kernel/commons-lang3-3.8.1.jar"));
    private static final String MODEL = ROOT.resolve("models/tiny-base").toString();
    private static final String DATA = ROOT.resolve("datasets/support-fr/train.jsonl").toString();

    record Child(int code, String out) {
    }

    private static Child java(List<String> classPath, String... argv) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dai.djl.offline=true", "-cp", String.join(File.pathSeparator, classPath),
                Main.class.getName()));
        command.addAll(List.of(argv));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        return new Child(p.exitValue(), out);
    }

    private static List<String> hostFirst(String... jars) {
        List<String> cp = new ArrayList<>();
        HOST.forEach(h -> cp.add(h.toString()));
        cp.addAll(List.of(jars));
        return cp;
    }

    @Test
    void sharedLibrariesAreRelocatedAndTheNativesFoundBesideTheJar() throws IOException {
        try (JarFile jar = new JarFile(ALL.toFile())) {
            List<String> unrelocated = new ArrayList<>();
            for (JarEntry e : jar.stream().toList()) {
                String n = e.getName().replaceFirst("^META-INF/versions/[0-9]+/", "");
                if (n.endsWith(".class") && (n.startsWith("com/google/gson/") || n.startsWith("org/apache/commons/")
                        || n.startsWith("com/google/common/") || n.startsWith("org/yaml/snakeyaml/")
                        || n.startsWith("com/fasterxml/jackson/"))) {
                    unrelocated.add(n);
                }
            }
            assertEquals(List.of(), unrelocated.subList(0, Math.min(5, unrelocated.size())));
            assertTrue(jar.getEntry("io/tunebook/shaded/com/google/gson/Gson.class") != null);
            assertTrue(jar.getEntry("io/tunebook/model/CausalLM.class") != null);
            // The host adapters travel with tunebook; the hosts' own classes do not (the kernel brings them).
            assertTrue(jar.getEntry("io/tunebook/display/notebook/BaseKernelHost.class") != null);
            assertTrue(jar.getEntry("io/tunebook/display/notebook/JJavaHost.class") != null);
            assertEquals("io.tunebook.display.notebook.DisplayableExtension", new String(jar.getInputStream(
                    jar.getEntry("META-INF/services/org.dflib.jjava.jupyter.Extension")).readAllBytes(), StandardCharsets.UTF_8).strip());
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("io/github/spencerpark/")
                    || e.getName().startsWith("org/dflib/")));
            // PyTorch's natives stay in their own jar, which the manifest names relative to this one.
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("pytorch/")));
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            for (String entry : classPath.split(" ")) {
                assertTrue(Files.isRegularFile(TARGET.resolve(entry)), entry);
            }
        }
    }

    @Test
    void tunebookParsesJsonBehindIJavasGson() throws Exception {
        for (Path h : HOST) {
            assertTrue(Files.isRegularFile(h), h + " (copied by the build's pre-integration-test phase)");
        }
        CliTest.Outcome validate = CliTest.run("data", "validate", DATA);
        Child shadedValidate = java(hostFirst(ALL.toString()), "data", "validate", DATA);
        assertEquals(0, shadedValidate.code(), shadedValidate.out());
        assertEquals(validate.out(), shadedValidate.out());

        String text = "Bonjour, je n'ai pas reçu ma commande.";
        CliTest.Outcome score = CliTest.run("score", MODEL, "--text", text, "--json");
        assertEquals(0, score.code(), score.err());
        // config.json, tokenizer_config.json (Gson) and PyTorch's natives (through the manifest's Class-Path)
        Child shadedScore = java(hostFirst(ALL.toString()), "score", MODEL, "--text", text, "--json");
        assertEquals(0, shadedScore.code(), shadedScore.out());
        assertEquals(score.out().strip(), shadedScore.out().strip());
    }

    /**
     * As {@code %jars} does it: the kernel's class path (the old Gson first) as the parent loader, tunebook-all.jar
     * added by a {@link java.net.URLClassLoader} of its own, which also follows the manifest's Class-Path.
     */
    @Test
    void tunebookRunsFromAClassLoaderOfItsOwnAsJarsMagicsAddIt(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("HostKernel.java");
        Files.writeString(src, """
                import java.net.URL;
                import java.net.URLClassLoader;
                import java.nio.file.Path;
                public class HostKernel {
                    public static void main(String[] args) throws Exception {
                        // the host's own Gson: what a cell would get without relocation
                        System.out.println("host gson: " + com.google.gson.Gson.class.getProtectionDomain()
                                .getCodeSource().getLocation().getPath().replaceAll(".*/", ""));
                        URLClassLoader jars = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()},
                                HostKernel.class.getClassLoader());
                        Thread.currentThread().setContextClassLoader(jars);
                        String[] argv = java.util.Arrays.copyOfRange(args, 1, args.length);
                        java.lang.reflect.Method run = jars.loadClass("io.tunebook.cli.Main")
                                .getDeclaredMethod("run", String[].class); // Main.main would exit
                        run.setAccessible(true);
                        Object code = run.invoke(null, (Object) argv);
                        System.exit((Integer) code);
                    }
                }
                """);
        String cp = String.join(File.pathSeparator, hostFirst());
        assertEquals(0, javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", cp, "-d",
                tmp.toString(), src.toString()));
        String text = "Où en est ma commande ?";
        CliTest.Outcome score = CliTest.run("score", MODEL, "--text", text, "--json");
        assertEquals(0, score.code(), score.err());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", cp + File.pathSeparator + tmp, "HostKernel", ALL.toString(),
                "score", MODEL, "--text", text, "--json");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertEquals("host gson: gson-2.8.5.jar\n" + score.out().strip(), out.strip());
    }

    /**
     * IJava's rendering, from the all-jar: a child JVM with IJava 1.3's class path (Gson 2.8.5, commons-lang3,
     * jupyter-jvm-basekernel 2.3.0, jeromq) runs a basekernel kernel found as IJava's, adds tunebook-all.jar by a
     * class loader of its own as {@code %jars} does, and calls {@code Notebook.install()} as a cell would: tunebook's
     * view, text/plain only before, renders as html after.
     */
    @Test
    void oneInstallCallGivesAnIJavaKernelTunebooksHtml(@TempDir Path tmp) throws Exception {
        Path ijava = Files.createDirectories(tmp.resolve("io/github/spencerpark/ijava")).resolve("IJava.java");
        Files.writeString(ijava, """
                package io.github.spencerpark.ijava;
                public class IJava {
                    static io.github.spencerpark.jupyter.kernel.BaseKernel kernel;
                    public static io.github.spencerpark.jupyter.kernel.BaseKernel getKernelInstance() { return kernel; }
                    public static void start(io.github.spencerpark.jupyter.kernel.BaseKernel k) { kernel = k; }
                }
                """);
        Path host = tmp.resolve("IJavaHost.java");
        Files.writeString(host, """
                import io.github.spencerpark.jupyter.kernel.BaseKernel;
                import io.github.spencerpark.jupyter.kernel.LanguageInfo;
                import io.github.spencerpark.jupyter.kernel.display.DisplayData;
                import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
                import java.net.URL;
                import java.net.URLClassLoader;
                import java.nio.file.Path;
                public class IJavaHost {
                    public static void main(String[] args) throws Exception {
                        BaseKernel kernel = new BaseKernel() {
                            public DisplayData eval(String expr) { return null; }
                            public LanguageInfo getLanguageInfo() {
                                return new LanguageInfo("java", "17", "text/x-java-source", ".jshell", "java", "text/x-java", "script");
                            }
                        };
                        io.github.spencerpark.ijava.IJava.start(kernel);
                        URLClassLoader jars = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()},
                                IJavaHost.class.getClassLoader());
                        Thread.currentThread().setContextClassLoader(jars);
                        Object history = jars.loadClass("io.tunebook.display.TrainingHistory").getConstructor().newInstance();
                        Object view = history.getClass().getMethod("view").invoke(history);
                        System.out.println("before: " + kernel.getRenderer().render(view).hasDataForType(MIMEType.TEXT_HTML));
                        jars.loadClass("io.tunebook.display.notebook.Notebook").getMethod("install").invoke(null);
                        DisplayData after = kernel.getRenderer().render(view);
                        System.out.println("after: " + after.getData(MIMEType.TEXT_HTML));
                    }
                }
                """);
        List<String> hostPath = hostFirst(TARGET.resolve("host-kernel/jupyter-jvm-basekernel-2.3.0.jar").toString(),
                TARGET.resolve("host-kernel/jeromq-0.5.1.jar").toString(), TARGET.resolve("host-kernel/jnacl-1.0.0.jar").toString());
        String cp = String.join(File.pathSeparator, hostPath);
        assertEquals(0, javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", cp, "-d",
                tmp.toString(), ijava.toString(), host.toString()));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", cp + File.pathSeparator + tmp, "IJavaHost", ALL.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("before: false\nafter: <"), out);
        assertTrue(out.contains("no step logged yet"), out);
    }

    /** The same class path with the plain jars fails as IJava does: the older Gson really comes first. */
    @Test
    void thePlainJarsFailBehindIJavasGson() throws Exception {
        Child plain = java(hostFirst(TARGET.resolve("tunebook-lib.jar").toString(), TARGET.resolve("lib/*").toString()),
                "data", "validate", DATA);
        assertNotEquals(0, plain.code());
        assertTrue(plain.out().contains("NoSuchMethodError"), plain.out());
        assertFalse(plain.out().contains("all valid"), plain.out());
    }
}
