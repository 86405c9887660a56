package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.display.Displayable;
import io.tunebook.display.MimeBundle;
import io.tunebook.display.notebook.DisplayableExtension;
import io.tunebook.display.notebook.Interrupts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunebookKernelTest {
    private static final Interrupts INTERRUPTS = new Interrupts();
    private static TunebookKernel kernel;

    @BeforeAll
    static void start() {
        kernel = TunebookKernel.builder().interrupts(INTERRUPTS).build();
        kernel.onStartup();
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    @Test
    void theExtensionIsFoundByServiceLoaderAsStockJJavaKernelsFindIt() {
        assertTrue(ServiceLoader.load(Extension.class).stream()
                .anyMatch(p -> p.type() == DisplayableExtension.class));
    }

    @Test
    void aDisplayableValueRendersWithEveryMimeTypeOfItsBundle() {
        DisplayData data = kernel.eval("(Displayable) () -> MimeBundle.text(\"plain\").withHtml(\"<b>rich</b>\")"
                + ".withPng(new byte[] {(byte) 0x89, 'P', 'N', 'G'})");
        assertEquals("plain", data.getData(MIMEType.TEXT_PLAIN));
        assertEquals("<b>rich</b>", data.getData(MIMEType.TEXT_HTML));
        assertEquals("iVBORw==", data.getData(MIMEType.IMAGE_PNG));
    }

    @Test
    void aDisplayableFromTheCellsOwnCodeRendersToo() {
        DisplayData data = kernel.eval("record Tag(String t) implements Displayable {\n"
                + "  public MimeBundle mimeBundle() { return MimeBundle.text(t).withHtml(\"<i>\" + t + \"</i>\"); }\n"
                + "}\nnew Tag(\"x\")");
        assertEquals("<i>x</i>", data.getData(MIMEType.TEXT_HTML));
        assertInstanceOf(Displayable.class, kernel.evalRaw("new Tag(\"y\")"));
        assertFalse(Displayable.class.isInstance(MimeBundle.text("a")));
    }

    @Test
    void theClasspathMagicAddsJars(@TempDir Path dir) throws Exception {
        // JShell's snippets live in a package: classes of the unnamed package are out of their reach.
        Files.writeString(dir.resolve("Hello.java"), "package hi; public class Hello { public static int n() { return 7; } }");
        javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(),
                dir.resolve("Hello.java").toString());
        kernel.eval("%classpath " + dir);
        assertEquals("7", kernel.eval("hi.Hello.n()").getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void errorsShowTheirOwnTraceback() {
        CompilationError e = org.junit.jupiter.api.Assertions.assertThrows(CompilationError.class,
                () -> kernel.eval("int q = ;"));
        assertEquals(e.traceback(), kernel.formatError(e));
    }

    @Test
    void anInterruptGoesToListeningCodeFirst() {
        AtomicBoolean asked = new AtomicBoolean();
        try (Interrupts.Registration r = INTERRUPTS.onInterrupt(() -> asked.set(true))) {
            kernel.interrupt();
        }
        assertTrue(asked.get());
        assertEquals("5", kernel.eval("2 + 3").getData(MIMEType.TEXT_PLAIN), "no cell was stopped");
    }

    @Test
    void completionAndCompleteness() {
        ReplacementOptions options = kernel.complete("Notebook.disp", 13);
        assertEquals(List.of("display("), options.getReplacements());
        assertEquals(9, options.getSourceStart());
        assertEquals(TunebookKernel.IS_COMPLETE_YES, kernel.isComplete("int a = 1;"));
        assertEquals("", kernel.isComplete("if (true) {"));
    }

    /** The packages holding a public top-level class in the jar or directory {@code anchor} came from. */
    private static Map<String, List<String>> publicTypes(Class<?> anchor) throws Exception {
        Path from = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> entries = new ArrayList<>();
        if (Files.isDirectory(from)) {
            try (var walk = Files.walk(from)) {
                walk.filter(Files::isRegularFile).forEach(f -> entries.add(from.relativize(f).toString()));
            }
        } else {
            try (JarFile jar = new JarFile(from.toFile())) {
                jar.stream().forEach(e -> entries.add(e.getName()));
            }
        }
        Map<String, List<String>> types = new TreeMap<>();
        for (String e : entries) {
            if (e.startsWith("io/tunebook/") && e.endsWith(".class") && !e.contains("$") && !e.endsWith("-info.class")) {
                String name = e.substring(0, e.length() - ".class".length()).replace('/', '.');
                if (Modifier.isPublic(Class.forName(name, false, anchor.getClassLoader()).getModifiers())) {
                    String pkg = name.substring(0, name.lastIndexOf('.'));
                    types.computeIfAbsent(pkg, k -> new ArrayList<>()).add(name.substring(pkg.length() + 1));
                }
            }
        }
        return types;
    }

    @Test
    void everyPublicPackageIsImportedAndEachPlainNameMeansOneType() throws Exception {
        Map<String, List<String>> types = publicTypes(io.tunebook.model.CausalLM.class);
        types.putAll(publicTypes(TunebookKernel.class));
        assertTrue(types.containsKey("io.tunebook.plan") && types.containsKey("io.tunebook.serve"), types.keySet()::toString);
        for (String pkg : types.keySet()) {
            assertEquals(!pkg.equals("io.tunebook.cli"), TunebookKernel.IMPORTS.contains(pkg + ".*"), pkg);
        }
        // Each import resolved (the kernel refuses to start otherwise), and no plain name is ambiguous.
        List<String> names = new ArrayList<>();
        types.forEach((pkg, simple) -> {
            if (!pkg.equals("io.tunebook.cli")) {
                simple.forEach(n -> names.add(n + ".class"));
            }
        });
        DisplayData all = kernel.eval("List.of(" + String.join(", ", names) + ").size()");
        assertEquals(String.valueOf(names.size()), all.getData(MIMEType.TEXT_PLAIN));
        assertEquals(io.tunebook.plan.Estimate.class, kernel.evalRaw("Estimate.class"));
    }

    @Test
    void anImportThatDoesNotResolveStopsTheKernelStarting() {
        assertThrows(IllegalStateException.class,
                () -> new CellEvaluator(System.getProperty("java.class.path"), List.of("io.tunebook.nowhere.*")).close());
    }

    /** What {@code cell} printed to standard output. */
    static String printed(Runnable cell) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            cell.run();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theJarsMagicTakesGlobs(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Jarred.java"), "package jarred; public class Jarred { public static int n() { return 11; } }");
        javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", src.toString(),
                src.resolve("Jarred.java").toString());
        Files.createDirectories(dir.resolve("libs"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve("libs/jarred-1.0.jar")))) {
            jar.putNextEntry(new JarEntry("jarred/Jarred.class"));
            jar.write(Files.readAllBytes(src.resolve("jarred/Jarred.class")));
        }
        kernel.eval("%jars " + dir + "/libs/*.jar");
        assertEquals("11", kernel.eval("jarred.Jarred.n()").getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void theLoadMagicRunsAFilesSnippets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("helpers.jsh");
        Files.writeString(file, "int loaded = 41;\nint nextOf(int x) { return x + 1; }\n");
        assertEquals("42", kernel.eval("%load " + file + "\nnextOf(loaded)").getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void timeReportsTheWallTimeAndKeepsTheCellsValueAndLines() {
        DisplayData[] value = new DisplayData[1];
        String out = printed(() -> value[0] = kernel.eval("%%time\nint t = 6 * 7;\nt"));
        assertEquals("42", value[0].getData(MIMEType.TEXT_PLAIN));
        assertTrue(out.matches("(?s)Wall time: [0-9]+\\.[0-9]{3} s\\R"), out);
        CompilationError e = assertThrows(CompilationError.class, () -> kernel.eval("%%time\nint a = 1;\nint b = ;"));
        assertTrue(e.getMessage().startsWith("cell line 3:"), e.getMessage());
    }

    @Test
    void lsmagicListsEveryMagic() {
        String out = printed(() -> kernel.eval("%lsmagic"));
        for (String magic : List.of("%classpath", "%jars", "%load", "%lsmagic", "%maven", "%%time")) {
            assertTrue(out.contains(magic + " ") || out.contains(magic + "\n"), magic + " in " + out);
        }
    }

    @Test
    void aWrongMagicArgumentEndsTheCellWithOneLineSayingWhatWasExpected(@TempDir Path dir) {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("%jars", "%jars expects jar paths or globs");
        expected.put("%jars " + dir + "/none-*.jar", "%jars expects jar paths or globs: nothing matches");
        expected.put("%classpath " + dir + "/missing.jar", "%classpath: ");
        expected.put("%load", "%load expects one file");
        expected.put("%load " + dir + "/missing.jsh", "%load expects a readable file");
        expected.put("%lsmagic now", "%lsmagic takes no arguments");
        expected.put("%maven", "%maven expects [--offline] group:artifact:version..., e.g.");
        expected.put("%maven --frobnicate org.example:lib:1.0", "%maven expects [--offline] group:artifact:version..., not the option --frobnicate");
        expected.put("%maven nonsense", "%maven expects group:artifact:version (or group:artifact:extension[:classifier]:version), not a coordinate: nonsense");
        expected.put("%%time 3\n1 + 1", "%%time takes no arguments");
        expected.forEach((cell, start) -> {
            MagicUsageError e = assertThrows(MagicUsageError.class, () -> kernel.eval(cell), cell);
            assertTrue(e.getMessage().startsWith(start), e.getMessage());
            assertEquals(List.of(e.getMessage()), kernel.formatError(e));
        });
        assertEquals("2", kernel.eval("1 + 1").getData(MIMEType.TEXT_PLAIN), "the kernel goes on");
    }
}
