package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code notebooks/rendered/} holds each notebook executed as shipped, so that a reader browsing the repository
 * sees its tables and charts without running it. A rendering is up to date when it was made from the notebook as
 * it is now: the sha256 that {@code bin/tunebook notebooks render} stamped into it equals the source's. Changing a
 * notebook without rendering it again fails here, in the fast tests; {@code NotebooksIT} further checks that the
 * outputs a fresh run shows are of the kinds the rendering shows.
 */
class RenderedNotebooksTest {
    static final Path NOTEBOOKS = Path.of(System.getProperty("tunebook.root", "..")).toAbsolutePath().normalize()
            .resolve("notebooks");
    static final Path RENDERED = NOTEBOOKS.resolve("rendered");
    private static final String RENDER = "run `bin/tunebook notebooks render` (notebooks/README.md)";

    @Test
    void everyNotebookHasARenderingMadeFromItsCurrentSource() throws Exception {
        List<Path> sources = notebooks(NOTEBOOKS);
        assertFalse(sources.isEmpty(), "no notebooks in " + NOTEBOOKS);
        List<String> stale = new ArrayList<>();
        for (Path source : sources) {
            Path rendered = RENDERED.resolve(source.getFileName());
            if (!Files.isRegularFile(rendered)) {
                stale.add(source.getFileName() + " (no rendering)");
                continue;
            }
            JsonObject stamp = renderedStamp(rendered);
            if (stamp == null || !sha256(source).equals(stamp.get("source_sha256").getAsString())) {
                stale.add(source.getFileName() + " (changed since it was rendered)");
            }
        }
        assertTrue(stale.isEmpty(), "renderings out of date: " + stale + "; " + RENDER);
    }

    @Test
    void noRenderingOutlivesItsNotebook() throws Exception {
        Set<String> sources = names(notebooks(NOTEBOOKS));
        Set<String> orphans = names(notebooks(RENDERED));
        orphans.removeAll(sources);
        assertTrue(orphans.isEmpty(), "renderings of notebooks that no longer exist: " + orphans
                + "; delete them from " + RENDERED);
    }

    /** A rendering shows what a run shows: the same cells, outputs under every cell that has one, and no error. */
    @Test
    void everyRenderingShowsItsCellsOutputsAndNoError() throws Exception {
        for (Path rendered : notebooks(RENDERED)) {
            Path source = NOTEBOOKS.resolve(rendered.getFileName());
            if (!Files.isRegularFile(source)) {
                continue; // the test above names it
            }
            JsonArray cells = notebook(rendered).getAsJsonArray("cells");
            assertEquals(sources(notebook(source).getAsJsonArray("cells")), sources(cells),
                    rendered + ": its cells differ from the notebook's; " + RENDER);
            int withOutputs = 0;
            for (JsonElement c : cells) {
                JsonObject cell = c.getAsJsonObject();
                JsonArray outputs = cell.getAsJsonArray("outputs");
                if (outputs == null) {
                    continue;
                }
                withOutputs += outputs.isEmpty() ? 0 : 1;
                for (JsonElement o : outputs) {
                    assertFalse(o.getAsJsonObject().get("output_type").getAsString().equals("error"),
                            rendered + " shows an error: " + o);
                }
            }
            assertTrue(withOutputs > 0, rendered + " has no outputs: it was not executed");
        }
    }

    static List<Path> notebooks(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
        }
    }

    static JsonObject notebook(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    /** The stamp {@code execute_notebooks.py --render} writes, or null when the file has none. */
    static JsonObject renderedStamp(Path rendered) throws IOException {
        JsonObject tunebook = notebook(rendered).getAsJsonObject("metadata").getAsJsonObject("tunebook");
        return tunebook == null ? null : tunebook.getAsJsonObject("rendered");
    }

    private static Set<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> sources(JsonArray cells) {
        List<String> out = new ArrayList<>();
        for (JsonElement c : cells) {
            JsonElement source = c.getAsJsonObject().get("source");
            if (source.isJsonArray()) {
                StringBuilder joined = new StringBuilder();
                source.getAsJsonArray().forEach(line -> joined.append(line.getAsString()));
                out.add(joined.toString());
            } else {
                out.add(source.getAsString());
            }
        }
        return out;
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
