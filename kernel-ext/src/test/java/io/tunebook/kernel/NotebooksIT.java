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
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * outputs checked, the HTML export rendered by headless Chromium (the screenshot stays in
 * {@code kernel-ext/target/notebooks/} as a build artefact), and the Jupyter protocol exercised by
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
        List<String> notebooks;
        try (Stream<Path> files = Files.list(ROOT.resolve("notebooks"))) {
            notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().map(Path::toString)
                    .collect(Collectors.toList());
        }
        assertFalse(notebooks.isEmpty(), "no notebooks in " + ROOT.resolve("notebooks"));
        List<String> command = new ArrayList<>(List.of(PYTHON,
                ROOT.resolve("kernel-ext/src/test/python/execute_notebooks.py").toString(),
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
            assertTrue(mimeTypes.containsAll(Set.of("text/plain", "text/html", "image/png")),
                    name + " should show HTML tables and PNG charts, showed " + mimeTypes);
            String html = Files.readString(Path.of(nb.get("html").getAsString()));
            assertTrue(html.contains("data:image/png;base64,"), name + ": the HTML export has no image");
        }
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
        String chromium = "/usr/bin/chromium";
        requireDebian(List.of(chromium, "--version"), "chromium");
        Path html = OUT.resolve("00-hello-tunebook.html");
        assertTrue(Files.isRegularFile(html), "run the notebooks first: " + html);
        Path screenshot = OUT.resolve("00-hello-tunebook.png");
        Files.deleteIfExists(screenshot);
        Path profile = Files.createTempDirectory(TARGET, "chromium-");
        Result r = run(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1200,2600", "--screenshot=" + screenshot,
                html.toUri().toString()), OUT, 180);
        assertEquals(0, r.exit, r.output);
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertEquals(1200, image.getWidth());
        assertTrue(distinctColours(image) > 50, "the screenshot looks blank");
    }

    @Test
    @Order(4)
    void theKernelSpeaksTheJupyterProtocol() throws Exception {
        Result r = run(List.of(PYTHON, ROOT.resolve("kernel-ext/src/test/python/kernel_protocol_check.py").toString(),
                KERNEL, ROOT.resolve("models/tiny-base").toString()), ROOT, 600);
        System.out.println(r.output);
        assertEquals(0, r.exit, r.output);
        assertNull(r.output.lines().filter(l -> l.startsWith("FAILED")).findFirst().orElse(null));
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
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
