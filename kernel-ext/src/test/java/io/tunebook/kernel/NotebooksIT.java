package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real thing, on the packaged kernel: {@code bin/tunebook kernel install} into a temporary
 * Jupyter path, every {@code notebooks/*.ipynb} executed headless by Debian's nbclient, the rich
 * outputs each notebook declares in its metadata ({@code tunebook.expects}) checked, the HTML exports
 * rendered by headless Chromium with the training notebook's loss chart and the evaluation notebook's
 * comparison table found in the screenshots (which stay in {@code kernel-ext/target/notebooks/} as
 * build artefacts), and the Jupyter protocol exercised by
 * jupyter_client (errors, completion, inspection, interrupts). A missing Debian package fails the
 * test with the command that installs it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotebooksIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String KERNEL = "tunebook-it";
    private static final Path ROOT = Path.of(System.getProperty("tunebook.root", "..")).toAbsolutePath().normalize();
    private static final Path TARGET = ROOT.resolve("kernel-ext/target");
    private static final Path OUT = TARGET.resolve("notebooks");
    private static Path jupyter;

    @BeforeAll
    static void installKernel() throws Exception {
        requireDebian(List.of(PYTHON, "-c", "import nbclient, nbconvert, jupyter_client"),
                "python3-nbclient python3-nbconvert python3-jupyter-client");
        jupyter = Files.createTempDirectory(TARGET, "jupyter-");
        Result install = run(List.of(ROOT.resolve("bin/tunebook").toString(), "kernel", "install", "--prefix",
                jupyter.toString(), "--name", KERNEL), ROOT, 120);
        assertEquals(0, install.exit, install.output);
        assertTrue(Files.isRegularFile(jupyter.resolve("share/jupyter/kernels/" + KERNEL + "/kernel.json")));
    }

    @Test
    @Order(1)
    void everyNotebookRunsWithoutErrorAndShowsRichOutput() throws Exception {
        List<String> notebooks = notebooks();
        assertFalse(notebooks.isEmpty(), "no notebooks in " + ROOT.resolve("notebooks"));
        List<String> command = new ArrayList<>(List.of(PYTHON,
                ROOT.resolve("kernel-ext/src/main/python/execute_notebooks.py").toString(),
                "--kernel", KERNEL, "--out", OUT.toString()));
        command.addAll(notebooks);
        Result r = run(command, ROOT.resolve("notebooks"), 1500);
        System.out.println(r.output);
        assertEquals(0, r.exit, r.output);
        JsonArray summary = JsonParser.parseString(Files.readString(OUT.resolve("summary.json"))).getAsJsonArray();
        assertEquals(notebooks.size(), summary.size());
        for (JsonElement e : summary) {
            JsonObject nb = e.getAsJsonObject();
            String name = nb.get("notebook").getAsString();
            assertTrue(nb.get("error").isJsonNull(), name + " failed:\n" + nb.get("error"));
            Set<String> mimeTypes = new HashSet<>();
            for (JsonElement cell : nb.getAsJsonArray("cells")) {
                for (JsonElement out : cell.getAsJsonObject().getAsJsonArray("outputs")) {
                    out.getAsJsonObject().getAsJsonArray("mime_types").forEach(m -> mimeTypes.add(m.getAsString()));
                }
            }
            List<String> expected = expectedRichOutputs(name);
            assertTrue(mimeTypes.contains("text/plain") && mimeTypes.containsAll(expected),
                    name + " should show " + expected + " (its metadata tunebook.expects), showed " + mimeTypes);
            String html = Files.readString(Path.of(nb.get("html").getAsString()));
            if (expected.contains("image/png")) {
                assertTrue(html.contains("data:image/png;base64,"), name + ": the HTML export has no image");
            }
            // As shipped, the exercise cells are blank: every check says so, and the cells after it still ran.
            int checkCells = nb.get("check_cells").getAsInt();
            List<String> checks = strings(nb.getAsJsonArray("checks"));
            assertEquals(checkCells, checks.size(), name + ": every check cell shows one verdict: " + checks);
            assertTrue(checks.stream().allMatch("no-answer"::equals), name + ": blank exercises must say so: " + checks);
            if (!name.startsWith("00-")) {
                assertTrue(checkCells >= 2 && checkCells <= 4, name + ": a chapter has 2 to 4 exercises, has "
                        + checkCells);
            }
        }
    }

    /**
     * The course's other run: every exercise cell replaced by its solution ({@code notebooks/solutions/NAME.json},
     * applied by the executor by cell id), each notebook run up to its last check cell, and every check says right.
     */
    @Test
    @Order(7)
    void everyExerciseSolutionPassesItsCheck() throws Exception {
        List<String> notebooks = notebooks();
        Path solved = OUT.resolve("solved");
        List<String> command = new ArrayList<>(List.of(PYTHON,
                ROOT.resolve("kernel-ext/src/main/python/execute_notebooks.py").toString(),
                "--kernel", KERNEL, "--out", solved.toString(), "--solutions",
                ROOT.resolve("notebooks/solutions").toString()));
        command.addAll(notebooks);
        Result r = run(command, ROOT.resolve("notebooks"), 1500);
        System.out.println(r.output);
        assertEquals(0, r.exit, r.output);
        JsonArray summary = JsonParser.parseString(Files.readString(solved.resolve("summary.json"))).getAsJsonArray();
        for (JsonElement e : summary) {
            JsonObject nb = e.getAsJsonObject();
            String name = nb.get("notebook").getAsString();
            assertTrue(nb.get("error").isJsonNull(), name + " failed with its solutions:\n" + nb.get("error"));
            int checkCells = nb.get("check_cells").getAsInt();
            List<String> checks = strings(nb.getAsJsonArray("checks"));
            assertEquals(checkCells, checks.size(), name + ": every check cell shows one verdict: " + checks);
            assertTrue(checks.stream().allMatch("right"::equals), name + ": with the solutions every check passes: "
                    + checks);
            if (checkCells > 0) {
                assertEquals(checkCells, nb.get("solutions_applied").getAsInt(),
                        name + ": one solution per exercise in notebooks/solutions/");
            }
        }
    }

    /**
     * The renderings in {@code notebooks/rendered/} show what the notebooks show now: under every cell, the same
     * kinds of rich output (tables, charts) as this run's. {@code RenderedNotebooksTest} checks they were made from
     * the current sources; this catches a library change that alters what a notebook displays.
     */
    @Test
    @Order(8)
    void theRenderingsShowTheOutputsTheNotebooksShowNow() throws Exception {
        JsonArray summary = JsonParser.parseString(Files.readString(OUT.resolve("summary.json"))).getAsJsonArray();
        List<String> differences = new ArrayList<>();
        for (JsonElement e : summary) {
            JsonObject nb = e.getAsJsonObject();
            String name = nb.get("notebook").getAsString();
            Path rendered = RenderedNotebooksTest.RENDERED.resolve(name);
            assertTrue(Files.isRegularFile(rendered), name + " has no rendering; run `bin/tunebook notebooks render`");
            JsonArray renderedCells = RenderedNotebooksTest.notebook(rendered).getAsJsonArray("cells");
            JsonArray cells = nb.getAsJsonArray("cells");
            assertEquals(cells.size(), renderedCells.size(), name + ": the rendering has other cells");
            for (int i = 0; i < cells.size(); i++) {
                Set<String> now = new java.util.TreeSet<>();
                for (JsonElement out : cells.get(i).getAsJsonObject().getAsJsonArray("outputs")) {
                    JsonObject o = out.getAsJsonObject();
                    if (isRich(o.get("output_type").getAsString())) {
                        o.getAsJsonArray("mime_types").forEach(m -> now.add(m.getAsString()));
                    }
                }
                Set<String> shown = new java.util.TreeSet<>();
                JsonArray outputs = renderedCells.get(i).getAsJsonObject().getAsJsonArray("outputs");
                for (JsonElement out : outputs == null ? new JsonArray() : outputs) {
                    JsonObject o = out.getAsJsonObject();
                    if (isRich(o.get("output_type").getAsString())) {
                        shown.addAll(o.getAsJsonObject("data").keySet());
                    }
                }
                if (!now.equals(shown)) {
                    differences.add(name + " cell " + i + ": shows " + now + ", its rendering " + shown);
                }
            }
        }
        assertTrue(differences.isEmpty(), "renderings out of date; run `bin/tunebook notebooks render`:\n"
                + String.join("\n", differences));
    }

    private static boolean isRich(String outputType) {
        return outputType.equals("display_data") || outputType.equals("execute_result");
    }

    private static List<String> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("notebooks"))) {
            return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().map(Path::toString)
                    .collect(Collectors.toList());
        }
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.getAsString()));
        return out;
    }

    /**
     * The rich MIME types a notebook promises in its metadata, {@code "tunebook": {"expects": [...]}}:
     * every notebook must promise at least one, so that none can pass by showing text only.
     */
    private static List<String> expectedRichOutputs(String notebook) throws IOException {
        JsonObject metadata = JsonParser.parseString(Files.readString(ROOT.resolve("notebooks").resolve(notebook)))
                .getAsJsonObject().getAsJsonObject("metadata");
        JsonObject tunebook = metadata.getAsJsonObject("tunebook");
        assertTrue(tunebook != null && tunebook.has("expects"),
                notebook + ": declare the rich outputs it shows in its metadata, \"tunebook\": {\"expects\": [...]}");
        List<String> expects = new ArrayList<>();
        tunebook.getAsJsonArray("expects").forEach(m -> expects.add(m.getAsString()));
        assertFalse(expects.isEmpty(), notebook + ": tunebook.expects is empty");
        assertTrue(Set.of("text/html", "image/png").containsAll(expects),
                notebook + ": tunebook.expects may list text/html and image/png, got " + expects);
        return expects;
    }

    @Test
    @Order(2)
    void theLiveTrainingViewWasUpdatedInPlaceToItsFinalState() throws Exception {
        JsonObject hello = JsonParser.parseString(Files.readString(OUT.resolve("00-hello-tunebook.ipynb")))
                .getAsJsonObject();
        List<String> live = new ArrayList<>();
        for (JsonElement cell : hello.getAsJsonArray("cells")) {
            JsonArray outputs = cell.getAsJsonObject().getAsJsonArray("outputs");
            for (JsonElement out : outputs == null ? new JsonArray() : outputs) { // markdown cells have none
                JsonObject o = out.getAsJsonObject();
                if (o.get("output_type").getAsString().equals("display_data")) {
                    live.add(text(o.getAsJsonObject("data").get("text/plain")));
                }
            }
        }
        // The view was displayed before the first step; only update_display_data can have changed it.
        assertEquals(1, live.size(), "one live view, updated in place: " + live);
        assertTrue(live.get(0).startsWith("[########################] 20/20 100%"), live.get(0));
        assertTrue(live.get(0).contains("done after 20 steps"), live.get(0));
    }

    @Test
    @Order(3)
    void theExecutedNotebookRendersInHeadlessChromium() throws Exception {
        Path html = OUT.resolve("00-hello-tunebook.html");
        assertTrue(Files.isRegularFile(html), "run the notebooks first: " + html);
        BufferedImage image = screenshot(html, OUT.resolve("00-hello-tunebook.png"), 2600);
        assertEquals(1200, image.getWidth());
        assertTrue(distinctColours(image, 0, 0, image.getWidth(), image.getHeight()) > 50, "the screenshot looks blank");
    }

    @Test
    @Order(4)
    void theLossChartIsVisibleInTheRenderedTrainingNotebook() throws Exception {
        byte[] png = lastPng(OUT.resolve("04-training.ipynb"));
        String prefix = "data:image/png;base64," + Base64.getEncoder().encodeToString(png).substring(0, 200);
        Shown shown = showInChromium("04-training", "Array.from(document.images).find(i => i.src.startsWith("
                + new JsonPrimitive(prefix) + "))");
        BufferedImage chart = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(chart.getWidth(), shown.width(), "the chart is drawn at its own size: " + shown);
        assertEquals(chart.getHeight(), shown.height(), "the chart is drawn at its own size: " + shown);
        double same = sameInk(shown.screenshot(), chart, shown.x(), shown.y());
        assertTrue(same > 0.95, "the loss chart is not what the screenshot shows at " + shown + ": only "
                + Math.round(100 * same) + "% of its drawn pixels match");
    }

    @Test
    @Order(5)
    void theComparisonTableIsVisibleInTheRenderedEvaluationNotebook() throws Exception {
        Shown shown = showInChromium("05-evaluation", "Array.from(document.querySelectorAll('caption'))"
                + ".find(c => c.textContent.startsWith('support-fr test: '))?.closest('table')");
        assertTrue(shown.width() > 300 && shown.height() > 80, "the comparison table is too small to read: " + shown);
        double ink = inkShare(shown.screenshot(), shown.x(), shown.y(), shown.width(), shown.height());
        assertTrue(ink > 0.03, "the comparison table's area of the screenshot looks blank (" + Math.round(100 * ink)
                + "% drawn): " + shown);
    }

    /**
     * Renders a notebook's HTML export in headless Chromium, in a window tall enough to show one element
     * found by {@code findElement} (JavaScript), and returns the element's box in the screenshot, which
     * stays in {@code kernel-ext/target/notebooks/NAME.png}. The box comes from the same page dumped
     * after load; the window's height does not change the layout, its width does not change.
     */
    private static Shown showInChromium(String notebook, String findElement) throws Exception {
        Path html = OUT.resolve(notebook + ".html");
        assertTrue(Files.isRegularFile(html), "run the notebooks first: " + html);
        String script = "<script>window.addEventListener('load', () => {"
                + " const el = " + findElement + ";"
                + " if (!el) { document.body.setAttribute('data-tunebook-box', 'missing'); return; }"
                + " const r = el.getBoundingClientRect();"
                + " document.body.setAttribute('data-tunebook-box',"
                + " [r.left + scrollX, r.top + scrollY, r.width, r.height].map(Math.round).join(','));"
                + "});</script>";
        String page = Files.readString(html);
        int end = page.lastIndexOf("</body>");
        assertTrue(end > 0, html + " has no </body>");
        Path located = OUT.resolve(notebook + "-located.html");
        Files.writeString(located, page.substring(0, end) + script + page.substring(end));
        Result dom = run(chromium(List.of("--dump-dom", located.toUri().toString()), WINDOW_HEIGHT), OUT, 180);
        assertEquals(0, dom.exit, dom.output);
        Matcher box = Pattern.compile("data-tunebook-box=\"([^\"]*)\"").matcher(dom.output);
        assertTrue(box.find(), notebook + ": the page did not run the locating script");
        assertFalse(box.group(1).equals("missing"), notebook + ": the element is not in the rendered page");
        int[] b = Arrays.stream(box.group(1).split(",")).mapToInt(Integer::parseInt).toArray();
        BufferedImage image = screenshot(located, OUT.resolve(notebook + ".png"),
                Math.max(WINDOW_HEIGHT, b[1] + b[3] + 40));
        Shown shown = new Shown(b[0], b[1], b[2], b[3], image);
        assertTrue(b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= image.getWidth() && b[1] + b[3] <= image.getHeight(),
                notebook + ": the element is not entirely inside the screenshot: " + shown);
        return shown;
    }

    private static final int WINDOW_HEIGHT = 1400;

    /** An element's box in a screenshot, in pixels. */
    private record Shown(int x, int y, int width, int height, BufferedImage screenshot) {
        @Override
        public String toString() {
            return width + "x" + height + " at (" + x + ", " + y + ")";
        }
    }

    private static BufferedImage screenshot(Path html, Path png, int height) throws Exception {
        Files.deleteIfExists(png);
        Result r = run(chromium(List.of("--screenshot=" + png, html.toUri().toString()), height), OUT, 180);
        assertEquals(0, r.exit, r.output);
        return ImageIO.read(png.toFile());
    }

    private static List<String> chromium(List<String> what, int height) throws Exception {
        String chromium = "/usr/bin/chromium";
        requireDebian(List.of(chromium, "--version"), "chromium");
        Path profile = Files.createTempDirectory(TARGET, "chromium-");
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--virtual-time-budget=3000",
                "--user-data-dir=" + profile, "--window-size=1200," + height));
        command.addAll(what);
        return command;
    }

    /** The image/png of the last output that has one: the final state of a live view. */
    private static byte[] lastPng(Path executed) throws IOException {
        String base64 = null;
        for (JsonElement cell : JsonParser.parseString(Files.readString(executed)).getAsJsonObject().getAsJsonArray("cells")) {
            JsonArray outputs = cell.getAsJsonObject().getAsJsonArray("outputs");
            for (JsonElement out : outputs == null ? new JsonArray() : outputs) {
                JsonObject data = out.getAsJsonObject().getAsJsonObject("data");
                if (data != null && data.has("image/png")) {
                    base64 = text(data.get("image/png")).replace("\n", "");
                }
            }
        }
        assertTrue(base64 != null, executed + " has no image/png output");
        return Base64.getDecoder().decode(base64);
    }

    /**
     * The share of {@code expected}'s drawn (not white) pixels that {@code image} shows at (x, y), within
     * a small colour tolerance: a blank page matches none of them.
     */
    private static double sameInk(BufferedImage image, BufferedImage expected, int x, int y) {
        long drawn = 0;
        long same = 0;
        for (int j = 0; j < expected.getHeight(); j++) {
            for (int i = 0; i < expected.getWidth(); i++) {
                int b = expected.getRGB(i, j);
                if (!isInk(b)) {
                    continue;
                }
                drawn++;
                int a = image.getRGB(x + i, y + j);
                boolean close = true;
                for (int shift = 0; shift <= 16; shift += 8) {
                    close &= Math.abs((a >> shift & 0xff) - (b >> shift & 0xff)) <= 8;
                }
                same += close ? 1 : 0;
            }
        }
        assertTrue(drawn > 0, "the expected image is blank");
        return (double) same / drawn;
    }

    /** The share of the pixels in a box that are drawn: text, lines, fills darker than a light grey. */
    private static double inkShare(BufferedImage image, int x0, int y0, int width, int height) {
        long ink = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                ink += isInk(image.getRGB(x, y)) ? 1 : 0;
            }
        }
        return (double) ink / ((long) width * height);
    }

    private static boolean isInk(int rgb) {
        return (rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff) < 3 * 200;
    }

    @Test
    @Order(6)
    void theKernelSpeaksTheJupyterProtocol() throws Exception {
        Result r = run(List.of(PYTHON, ROOT.resolve("kernel-ext/src/test/python/kernel_protocol_check.py").toString(),
                KERNEL, ROOT.resolve("models/tiny-base").toString()), ROOT, 600);
        System.out.println(r.output);
        assertEquals(0, r.exit, r.output);
        assertNull(r.output.lines().filter(l -> l.startsWith("FAILED")).findFirst().orElse(null));
    }

    private static int distinctColours(BufferedImage image, int x0, int y0, int width, int height) {
        Set<Integer> colours = new HashSet<>();
        for (int y = y0; y < y0 + height; y += 3) {
            for (int x = x0; x < x0 + width; x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static String text(JsonElement e) {
        if (e.isJsonArray()) {
            StringBuilder b = new StringBuilder();
            e.getAsJsonArray().forEach(s -> b.append(s.getAsString()));
            return b.toString();
        }
        return e.getAsString();
    }

    private record Result(int exit, String output) {
    }

    private static void requireDebian(List<String> probe, String packages) throws Exception {
        Result r;
        try {
            r = run(probe, ROOT, 60);
        } catch (IOException e) {
            r = new Result(-1, e.getMessage());
        }
        if (r.exit != 0) {
            fail("missing Debian packages for the notebook tests; install them with\n"
                    + "  apt-get install -y --no-install-recommends " + packages + "\n" + r.output);
        }
    }

    /** Runs a command with Jupyter's paths in the test's temporary tree; returns exit code and output. */
    private static Result run(List<String> command, Path dir, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        if (jupyter != null) {
            env.put("JUPYTER_PATH", jupyter.resolve("share/jupyter").toString());
            env.put("JUPYTER_DATA_DIR", jupyter.resolve("data").toString());
            env.put("JUPYTER_RUNTIME_DIR", jupyter.resolve("runtime").toString());
            env.put("JUPYTER_CONFIG_DIR", jupyter.resolve("config").toString());
        }
        Path log = Files.createTempFile(TARGET, "process-", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), output);
    }
}
