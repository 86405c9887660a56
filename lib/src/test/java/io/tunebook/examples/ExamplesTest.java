package io.tunebook.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.CleaningResult;
import io.tunebook.data.Cleaner;
import io.tunebook.data.Dataset;
import io.tunebook.data.Datasets;
import io.tunebook.eval.Bleu;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tokenizer;
import io.tunebook.plan.Recommendation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Examples that cannot rot. Every {@code <pre>{@code ...}</pre>} block with a call in it in lib's Javadoc, and every
 * Java block of the README, has a compiled twin in this package: the lines between {@code // snippet: FILE} and
 * {@code // end snippet} in an example class, equal to the block up to indentation and blank lines. Twins rather than
 * JDK 18's {@code @snippet} tag because the build targets Java 17; the documentation keeps its code in place (read
 * in the source and in an IDE) and this test holds both copies together.
 *
 * <p>Compiling the twins is what keeps a renamed or removed API from surviving in a comment. Besides, the README's
 * examples run end to end ({@link #theReadmeExamplesRun}) and so do the Javadoc examples that need nothing but the
 * shipped model and data ({@link #javadocExamplesThatNeedOnlyTheShippedFilesRun}). Compiled only: those that write
 * into fixed relative paths (LoraModel, Dataset, Evaluator, Exporter and train's, whose paths are the documentation's
 * point), read files that only a user has (DatasetLoader, Datasets, SafetensorsFile, JsonMatch's schema beside the
 * data), call a remote endpoint or a person (OpenAiClient, PairwiseJudge, BlindAbSession).
 */
class ExamplesTest {
    static final Path MAIN = Path.of("src/main/java/io/tunebook");
    static final Path EXAMPLES = Path.of("src/test/java/io/tunebook/examples");
    static final Path README = Path.of("../README.md");

    private static final Pattern JAVADOC_BLOCK = Pattern.compile("<pre>\\{@code[ \\t]*\\n(.*?)\\n[ \\t]*\\*[ \\t]*\\}</pre>",
            Pattern.DOTALL);
    private static final Pattern README_BLOCK = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern TWIN = Pattern.compile("// snippet: (\\S+)[ \\t]*\\n(.*?)\\n[ \\t]*// end snippet",
            Pattern.DOTALL);
    private static final Pattern CALL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\s*\\(");
    private static final Pattern JAVADOC_MARGIN = Pattern.compile("(?m)^[ \\t]*\\*[ ]?");

    /** The code blocks with a call in them, by the file that holds them, in order. */
    static Map<String, List<String>> documented(Map<String, String> files) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        files.forEach((name, text) -> {
            Matcher m = (name.endsWith(".md") ? README_BLOCK : JAVADOC_BLOCK).matcher(text);
            while (m.find()) {
                String code = name.endsWith(".md") ? m.group(1) : JAVADOC_MARGIN.matcher(m.group(1)).replaceAll("");
                if (CALL.matcher(code).find()) {
                    out.computeIfAbsent(name, n -> new ArrayList<>()).add(normalize(code));
                }
            }
        });
        return out;
    }

    /** The twins in example sources, by the file they document, in order. */
    static Map<String, List<String>> twins(List<String> sources) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String text : sources) {
            Matcher m = TWIN.matcher(text);
            while (m.find()) {
                out.computeIfAbsent(m.group(1), n -> new ArrayList<>()).add(normalize(m.group(2)));
            }
        }
        return out;
    }

    /** Lines without their common indentation, trailing spaces or blank lines. */
    static String normalize(String code) {
        List<String> lines = code.lines().map(String::stripTrailing).filter(l -> !l.isBlank()).toList();
        int indent = lines.stream().mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.substring(indent)).collect(Collectors.joining("\n"));
    }

    /** What differs between the documentation and its twins, one line each. */
    static List<String> drift(Map<String, List<String>> documented, Map<String, List<String>> twins) {
        List<String> out = new ArrayList<>();
        documented.forEach((file, blocks) -> {
            List<String> mine = twins.getOrDefault(file, List.of());
            for (int i = 0; i < blocks.size(); i++) {
                if (i >= mine.size()) {
                    out.add(file + ": example " + (i + 1) + " has no compiled twin (// snippet: " + file + ")");
                } else if (!blocks.get(i).equals(mine.get(i))) {
                    out.add(file + ": example " + (i + 1) + " differs from its twin:\n" + blocks.get(i) + "\n---\n"
                            + mine.get(i));
                }
            }
            for (int i = blocks.size(); i < mine.size(); i++) {
                out.add(file + ": twin " + (i + 1) + " documents nothing");
            }
        });
        twins.keySet().stream().filter(f -> !documented.containsKey(f))
                .forEach(f -> out.add(f + ": twins of a file without examples"));
        return out;
    }

    private static Map<String, String> documentation() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(MAIN)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                files.put(MAIN.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        }
        files.put("README.md", Files.readString(README));
        return files;
    }

    private static List<String> exampleSources() throws IOException {
        try (Stream<Path> walk = Files.list(EXAMPLES)) {
            List<String> out = new ArrayList<>();
            for (Path p : walk.filter(f -> f.toString().endsWith("Examples.java")).sorted().toList()) {
                out.add(Files.readString(p));
            }
            return out;
        }
    }

    @Test
    void everyDocumentedExampleHasACompiledTwin() throws IOException {
        Map<String, List<String>> documented = documented(documentation());
        assertTrue(documented.size() > 30 && documented.get("README.md").size() == 2, documented.keySet()::toString);
        List<String> found = drift(documented, twins(exampleSources()));
        assertEquals(List.of(), found, String.join("\n", found));
    }

    @Test
    void theCheckerFindsAMissingOrDriftedTwin() {
        String doc = "/**\n * Use it:\n * <pre>{@code\n * Foo f = Foo.make(1);\n *\n *     f.run();\n * }</pre>\n"
                + " * <pre>{@code\n * Bar.go();\n * }</pre>\n * <pre>{@code\n * no call here\n * }</pre>\n */";
        Map<String, List<String>> documented = documented(Map.of("x/Foo.java", doc));
        assertEquals(Map.of("x/Foo.java", List.of("Foo f = Foo.make(1);\n    f.run();", "Bar.go();")), documented);
        String same = "    // snippet: x/Foo.java\n        Foo f = Foo.make(1);\n            f.run();\n    // end snippet\n"
                + "  // snippet: x/Foo.java\n  Bar.go();\n  // end snippet\n";
        assertEquals(List.of(), drift(documented, twins(List.of(same))));
        assertEquals(List.of("x/Foo.java: example 2 has no compiled twin (// snippet: x/Foo.java)"),
                drift(documented, twins(List.of(same.substring(0, same.indexOf("  // snippet", 10))))));
        List<String> drifted = drift(documented, twins(List.of(same.replace("make(1)", "make(2)"))));
        assertEquals(1, drifted.size());
        assertTrue(drifted.get(0).startsWith("x/Foo.java: example 1 differs from its twin"), drifted.get(0));
        assertEquals(List.of("y/Gone.java: twins of a file without examples"), drift(documented,
                twins(List.of(same, "// snippet: y/Gone.java\nGone.now();\n// end snippet"))));
    }

    @Test
    void theReadmeExamplesRun(@TempDir Path work) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Files.createSymbolicLink(work.resolve("models"), root.resolve("models"));
        Files.createSymbolicLink(work.resolve("datasets"), root.resolve("datasets"));
        Path log = work.resolve("out.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), ReadmeExamples.class.getName())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(15, TimeUnit.MINUTES), "the README examples did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("trainable params: 172,032 || all params: 6,401,280 || trainable%: 2.6875"), out);
        assertTrue(Files.isRegularFile(work.resolve("runs/support/adapter/adapter_model.safetensors")), out);
    }

    @Test
    void javadocExamplesThatNeedOnlyTheShippedFilesRun(@TempDir Path work) throws Exception {
        Path tiny = Path.of("../models/tiny-base");
        Dataset support = Datasets.load(Path.of("../datasets/support-fr/train.jsonl")).head(40);
        Tokenizer tokenizer = Tokenizer.load(tiny);
        CleaningResult cleaned = support.clean(Cleaner.builder().build());
        DataExamples.cleaner(support, tokenizer);
        SideExamples.cleaningView(support);
        SideExamples.datasetPreview(support, support, cleaned, tokenizer);
        SideExamples.statsView(support, tokenizer);
        SideExamples.tableView();
        assertEquals(8, SideExamples.check(), "a blank answer falls back");
        assertTrue(SideExamples.estimate() > 0);
        assertTrue(SideExamples.driftReport().anyAlert(), "prompts five times as long drift");
        assertTrue(SideExamples.tco() > 300e6, "at $10 per million, 300 million tokens do not pay for a GPU");
        Recommendation r = SideExamples.decision();
        assertTrue(!r.reasons().isEmpty(), r::toString);
        ModelExamples.safetensorsWriter(work, 4, 2, new float[8]);
        assertTrue(Files.size(work.resolve("model.safetensors")) > 8);
        ModelExamples.quantizer(tiny);
        SideExamples.openAiServer(tiny);
        assertEquals(1.0, EvalExamples.rouge("le colis est parti", "le colis est parti"), 1e-12);
        assertEquals(100.0, EvalExamples.bleu(List.of("le colis est parti hier soir"), List.of("le colis est parti hier soir"),
                "a", "a").score(), 1e-9);
        try (CausalLM model = CausalLM.load(tiny)) {
            assertTrue(EvalExamples.perplexity(model, List.of("Bonjour,"), List.of(" merci.")).perplexity() > 1);
        }
        assertTrue(Bleu.corpus() != null);
    }
}
