package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.display.MimeBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellEvaluatorTest {
    private static CellEvaluator cells;

    @BeforeAll
    static void start() {
        cells = new CellEvaluator(System.getProperty("java.class.path"),
                List.of("io.tunebook.display.*", "java.nio.file.*"));
    }

    @AfterAll
    static void stop() {
        cells.close();
    }

    @Test
    void theValueOfACellIsItsLastExpressionAsTheObjectItself() {
        Object v = cells.eval(1, "int x = 2;\nvar b = MimeBundle.text(\"t\");\nb");
        assertInstanceOf(MimeBundle.class, v);
        assertEquals("t", ((MimeBundle) v).text());
        assertEquals(42, cells.eval(2, "x * 21"));
        assertNull(cells.eval(3, "int y = 3;\nSystem.out.println(y);"), "statements have no value");
        assertEquals(Path.of("a"), cells.eval(4, "Path.of(\"a\")"), "default imports apply");
    }

    @Test
    void cellsShareOneThreadWithAutogradOffAsOnDjlsOwnThread() {
        Object first = cells.eval(20, "Thread.currentThread()");
        assertEquals(first, cells.eval(21, "Thread.currentThread()"));
        // PyTorch turns autograd on for new threads; AdamW's in-place updates fail where it is on.
        assertEquals(false, cells.eval(22, "ai.djl.pytorch.jni.JniUtils.isGradMode()"));
    }

    @Test
    void aCompileErrorNamesTheCellLineAndPointsAtTheError() {
        CompilationError e = assertThrows(CompilationError.class,
                () -> cells.eval(5, "int a = 1;\n\nint b = nope + 1;"));
        assertEquals("cell line 3: cannot find symbol", e.getMessage());
        List<String> tb = e.traceback();
        assertTrue(tb.contains("    int b = nope + 1;"), tb.toString());
        assertTrue(tb.contains("            ^^^^"), tb.toString());
        assertTrue(tb.stream().noneMatch(l -> l.contains("location:")), tb.toString());
    }

    @Test
    void anIncompleteCellSaysWhere() {
        CompilationError e = assertThrows(CompilationError.class,
                () -> cells.eval(6, "int c = 1;\nfor (int i = 0; i < 3; i++) {"));
        assertEquals("cell line 2: the cell ends in the middle of a statement", e.getMessage());
    }

    @Test
    void aRuntimeErrorKeepsItsTypeAndMapsFramesToCellLines() {
        cells.eval(7, "// helpers\nvoid boom(int k) {\n  if (k > 2)\n    throw new IllegalStateException(\"k=\" + k);\n}");
        EvaluationError e = assertThrows(EvaluationError.class, () -> cells.eval(8, "int k = 3;\nboom(\n  k);"));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("IllegalStateException: k=3 (cell [7] line 4)", e.getMessage());
        List<String> tb = e.traceback();
        assertEquals("java.lang.IllegalStateException: k=3", tb.get(0));
        assertEquals("    at boom (cell [7] line 4)", tb.get(1));
        assertEquals("    at cell [8] line 2", tb.get(2));
        assertEquals(3, tb.size(), "the kernel's own frames are left out: " + tb);
    }

    @Test
    void anInterruptStopsTheCellAndTheNextCellRuns() throws Exception {
        assertInterrupted("while (true) { Thread.sleep(5); }");
        assertEquals(2, cells.eval(11, "1 + 1"));
    }

    @Test
    void aLoopThatIgnoresInterruptsIsStoppedAfterTheGracePeriod() throws Exception {
        assertInterrupted("long n = 0;\nwhile (true) { n++; }");
        assertEquals(3, cells.eval(13, "1 + 2"));
    }

    @Test
    void aCellIsNeverStoppedInsideASafePointRegionSuchAsAnOptimizerStep() throws Exception {
        // Busy (ignoring interrupts) inside a region for twice the grace period, then a record of leaving it
        // whole, then a loop that ignores interrupts: the force stop must land in the loop, not in the region.
        cells.eval(15, "java.util.concurrent.atomic.AtomicBoolean whole = new java.util.concurrent.atomic.AtomicBoolean();");
        long busy = CellExecutionControl.STOP_GRACE.toMillis() * 2;
        assertInterrupted("try (var r = io.tunebook.train.SafePoints.enter()) {\n"
                + "  long end = System.nanoTime() + " + busy + "L * 1_000_000L; long n = 0;\n"
                + "  while (System.nanoTime() < end) { n++; }\n"
                + "  whole.set(true);\n"
                + "}\n"
                + "long m = 0;\nwhile (true) { m++; }");
        assertEquals(true, cells.eval(16, "whole.get()"), "the region ran to its end before the cell was stopped");
    }

    private static void assertInterrupted(String code) throws Exception {
        CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> cells.eval(10, code));
        Thread.sleep(300);
        cells.stop();
        Exception e = assertThrows(Exception.class, () -> run.get(10, TimeUnit.SECONDS));
        assertInstanceOf(CellInterrupted.class, e.getCause());
    }

    @Test
    void jarsAndClassDirectoriesCanBeAddedFromACell(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/demo/Greeter.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package demo; public class Greeter { public String hi() { return \"salut\"; } }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                src.toString()));
        cells.addToClasspath(List.of(classes.toString()));
        assertEquals("salut", cells.eval(14, "new demo.Greeter().hi()"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cells.addToClasspath(List.of(dir.resolve("missing.jar").toString())));
        assertTrue(e.getMessage().contains("missing.jar does not exist"), e.getMessage());
    }

    @Test
    void completionInspectionAndCompleteness() {
        int[] anchor = new int[1];
        String code = "MimeBundle.te";
        assertTrue(cells.complete(code, code.length(), anchor).contains("text("));
        assertEquals("MimeBundle.".length(), anchor[0]);
        assertTrue(cells.documentation("MimeBundle.text(\"a\")", 12).stream()
                .anyMatch(d -> d.signature().contains("MimeBundle.text(String text)")), () -> "signature of text: "
                + cells.documentation("MimeBundle.text(\"a\")", 12).stream().map(d -> d.signature()).toList());
        assertEquals(Completeness.DEFINITELY_INCOMPLETE, cells.completeness("int z = 1;\nif (z > 0) {"));
        assertTrue(cells.completeness("int z = 1;\nz").isComplete());
    }
}
