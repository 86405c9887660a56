package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.display.Displayable;
import io.tunebook.display.MimeBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
