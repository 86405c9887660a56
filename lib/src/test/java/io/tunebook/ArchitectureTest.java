package io.tunebook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages of lib follow the pipeline a user walks through (DESIGN.md, and each package-info): io → data →
 * model → lora / quant → train → eval → export, with plan, display, serve and cli at the side. A stage
 * uses only stages to its left, so each can be learnt, tested and reused without what comes after; io (files
 * written atomically) is below them all. Side packages use any stage and each other; no stage uses a side package;
 * nothing uses cli, the entry point. kernel-ext (the Jupyter kernel) is at the side too, and lib never uses it.
 */
class ArchitectureTest {
    /** Pipeline stages and their place; siblings share a place and do not use each other. */
    static final Map<String, Integer> STAGES = Map.of(
            "io", 0, "data", 1, "model", 2, "lora", 3, "quant", 3, "train", 4, "eval", 5, "export", 6);
    static final Set<String> SIDE = Set.of("plan", "display", "serve", "cli", "kernel");

    /** A use of another tunebook package: an import, a static import, or a fully qualified name in code. */
    private static final Pattern USE = Pattern.compile("\\bio\\.tunebook\\.([a-z][a-z0-9_]*)\\b");

    /** Why {@code from} may not use {@code to}, or null when it may. */
    static String forbidden(String from, String to) {
        if (from.equals(to)) {
            return null;
        }
        if (to.equals("cli")) {
            return "cli is the entry point: nothing uses it";
        }
        if (to.equals("kernel")) {
            return "lib never uses kernel-ext";
        }
        if (SIDE.contains(from)) {
            return null;
        }
        if (SIDE.contains(to)) {
            return to + " is at the side: pipeline stages do not use it";
        }
        int f = STAGES.get(from);
        int t = STAGES.get(to);
        if (t > f) {
            return to + " comes after " + from + " in the pipeline";
        }
        if (t == f) {
            return to + " and " + from + " are sibling stages";
        }
        return null;
    }

    /** The tunebook packages {@code code} (comments and literals stripped) names. */
    static Set<String> uses(String code) {
        Set<String> used = new TreeSet<>();
        Matcher m = USE.matcher(code);
        while (m.find()) {
            used.add(m.group(1));
        }
        return used;
    }

    /** The rule's violations in the sources under {@code root}, whose packages are all known. */
    static List<String> violations(Path root) {
        List<String> out = new ArrayList<>();
        for (Path file : SourceFiles.under(root)) {
            String from = SourceFiles.stage(root, file);
            String name = root.relativize(file).toString().replace('\\', '/');
            if (!STAGES.containsKey(from) && !SIDE.contains(from)) {
                out.add(name + ": package " + from + " has no place in the pipeline (add it to ArchitectureTest)");
                continue;
            }
            for (String to : uses(SourceFiles.code(file))) {
                if (!STAGES.containsKey(to) && !SIDE.contains(to)) {
                    out.add(name + " uses io.tunebook." + to + ", which has no place in the pipeline");
                    continue;
                }
                String why = forbidden(from, to);
                if (why != null) {
                    out.add(name + " (" + from + ") uses io.tunebook." + to + ": " + why);
                }
            }
        }
        return out;
    }

    @Test
    void libStagesUseOnlyStagesToTheirLeft() {
        List<String> found = violations(SourceFiles.LIB);
        assertEquals(List.of(), found, String.join("\n", found));
    }

    @Test
    void kernelExtUsesLibButNotItsCommandLine() {
        List<String> found = violations(SourceFiles.KERNEL);
        assertEquals(List.of(), found, String.join("\n", found));
    }

    @Test
    void theRuleReadsAsTheDesignSays() {
        assertEquals(null, forbidden("train", "lora"));
        assertEquals(null, forbidden("plan", "quant"));
        assertEquals(null, forbidden("eval", "data"));
        assertEquals(null, forbidden("cli", "display"));
        assertEquals(null, forbidden("display", "train"));
        assertEquals(null, forbidden("kernel", "display"));
        assertEquals("train comes after model in the pipeline", forbidden("model", "train"));
        assertEquals("quant and lora are sibling stages", forbidden("lora", "quant"));
        assertEquals(null, forbidden("data", "io"));
        assertEquals("data comes after io in the pipeline", forbidden("io", "data"));
        assertEquals("plan is at the side: pipeline stages do not use it", forbidden("eval", "plan"));
        assertEquals(null, forbidden("display", "plan"));
        assertEquals("display is at the side: pipeline stages do not use it", forbidden("train", "display"));
        assertEquals("serve is at the side: pipeline stages do not use it", forbidden("export", "serve"));
        assertEquals("cli is the entry point: nothing uses it", forbidden("serve", "cli"));
        assertEquals("cli is the entry point: nothing uses it", forbidden("kernel", "cli"));
        assertEquals("lib never uses kernel-ext", forbidden("display", "kernel"));
    }

    @Test
    void theScanSeesImportsStaticImportsAndQualifiedNames() {
        // Would lora/X.java below be caught? Its three uses of later or side packages, not the comment's.
        String code = SourceFiles.strip("package io.tunebook.lora;\nimport io.tunebook.model.CausalLM;\n"
                + "import static io.tunebook.train.Trainer.builder;\n/** see {@link io.tunebook.eval.Evaluator} */\n"
                + "class X { io.tunebook.display.Table t; String s = \"io.tunebook.plan\"; }");
        Set<String> used = uses(code);
        assertEquals(Set.of("lora", "model", "train", "display"), used);
        assertEquals(2, used.stream().filter(to -> forbidden("lora", to) != null).count());
    }

    @Test
    void aDeliberateViolationInASourceTreeIsReported(@TempDir Path root) throws IOException {
        write(root, "io/Files.java", "package io.tunebook.io;\nclass Files {}");
        write(root, "model/Good.java", "package io.tunebook.model;\nimport io.tunebook.io.AtomicFile;\n"
                + "import io.tunebook.data.Conversation;\nclass Good {}");
        assertEquals(List.of(), violations(root), "a tree that keeps the order passes");
        write(root, "data/Bad.java", "package io.tunebook.data;\nimport io.tunebook.train.Trainer;\nclass Bad {}");
        write(root, "io/Worse.java", "package io.tunebook.io;\nclass Worse { io.tunebook.plan.Estimate e; }");
        write(root, "widgets/New.java", "package io.tunebook.widgets;\nclass New {}");
        assertEquals(List.of("data/Bad.java (data) uses io.tunebook.train: train comes after data in the pipeline",
                "io/Worse.java (io) uses io.tunebook.plan: plan is at the side: pipeline stages do not use it",
                "widgets/New.java: package widgets has no place in the pipeline (add it to ArchitectureTest)"),
                violations(root));
    }

    /** One name per concept: two public types of the same simple name in lib are two names for a reader's one. */
    @Test
    void noTwoTypesOfLibShareASimpleName() {
        Map<String, List<String>> byName = new java.util.TreeMap<>();
        for (Path file : SourceFiles.under(SourceFiles.LIB)) {
            String name = file.getFileName().toString();
            if (!name.equals("package-info.java")) {
                byName.computeIfAbsent(name, n -> new ArrayList<>()).add(SourceFiles.LIB.relativize(file).toString());
            }
        }
        byName.values().removeIf(files -> files.size() < 2);
        assertEquals(Map.of(), byName);
    }

    private static void write(Path root, String file, String code) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, code);
    }
}
