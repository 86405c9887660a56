package io.tunebook.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import io.tunebook.display.notebook.Interrupts;
import jdk.jshell.SourceCodeAnalysis;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;

/**
 * The tunebook Jupyter kernel: Java cells evaluated by JShell in this JVM, with tunebook and its
 * dependencies on the class path and its packages imported. Values render through their MIME
 * bundles ({@link io.tunebook.display.notebook.DisplayableExtension}); an interrupt asks running training to stop at a step
 * boundary ({@link Interrupts}) or else stops the cell. Magics: {@code %classpath a.jar:dir/*} and
 * {@code %jars PATH_OR_GLOB...} add jars, {@code %maven group:artifact:version} resolves them ({@link MavenResolver}), {@code %load FILE.jsh} runs a file's snippets, {@code %%time} times
 * the cell, {@code %lsmagic} lists them all; a wrong argument ends the cell with one line saying what was expected.
 */
public final class TunebookKernel extends BaseKernel {
    /**
     * What every cell imports: each public package of tunebook (all but {@code cli}, the command line), and the
     * JDK's collections and files. No two public packages share a type name (one name per concept), so no plain
     * name here is ambiguous.
     */
    static final List<String> IMPORTS = List.of("io.tunebook.io.*", "io.tunebook.data.*", "io.tunebook.data.jinja.*",
            "io.tunebook.model.*", "io.tunebook.model.safetensors.*",
            "io.tunebook.lora.*", "io.tunebook.quant.*", "io.tunebook.train.*", "io.tunebook.eval.*",
            "io.tunebook.eval.ab.*", "io.tunebook.eval.client.*", "io.tunebook.eval.judge.*", "io.tunebook.eval.monitor.*",
            "io.tunebook.plan.*",
            "io.tunebook.export.*", "io.tunebook.display.*", "io.tunebook.display.notebook.*", "io.tunebook.serve.*",
            "io.tunebook.kernel.*", "java.util.*", "java.nio.file.*",
            // a bare display(x) and updateDisplay(handle, x) in every cell, as JJava's and IJava's cells have
            "static io.tunebook.display.notebook.Notebook.display",
            "static io.tunebook.display.notebook.Notebook.updateDisplay");

    /** Magics the kernel runs itself, around the cell's evaluation rather than inside it. */
    static final String LOAD = "load";
    static final String TIME = "time";
    private static final Pattern LOAD_LINE = Pattern.compile("(?m)^[ \\t]*%load(?![\\w-])(.*)$");
    private static final Pattern TIME_CELL = Pattern.compile("\\A\\s*%%time(?![\\w-])([^\\n]*)");

    private final CellEvaluator evaluator;
    private final Interrupts interrupts;
    private final MavenResolver maven;

    private TunebookKernel(String name, String version, JupyterIO io, CommManager comms, Renderer renderer,
            MagicParser magics, MagicsRegistry registry, StringStyler errorStyler, CellEvaluator evaluator,
            Interrupts interrupts, MavenResolver maven) {
        super(name, version, languageInfo(), List.of(), null, io, comms, renderer, magics, registry, true,
                errorStyler);
        this.evaluator = evaluator;
        this.interrupts = interrupts;
        this.maven = maven;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo("java", Runtime.version().toString(), "text/x-java-source", ".jshell", "java",
                "text/x-java", "script");
    }

    @Override
    public Object evalRaw(String source) {
        // handleExecuteRequest counted this cell before evaluating it.
        int cell = executionCount.get() - 1;
        Matcher time = TIME_CELL.matcher(source);
        if (!time.lookingAt()) {
            return evaluator.eval(cell, magicParser.resolveMagics(loadFiles(source)));
        }
        if (!time.group(1).isBlank()) {
            throw new MagicUsageError("%%time takes no arguments: %%time alone on the cell's first line, then code");
        }
        // The %%time line becomes blank, so the cell's line numbers stay those the user sees.
        String body = source.substring(0, time.start(0)) + source.substring(time.start(0), time.end())
                .replaceAll("[^\\n]", "") + source.substring(time.end());
        long start = System.nanoTime();
        try {
            return evaluator.eval(cell, magicParser.resolveMagics(loadFiles(body)));
        } finally {
            System.out.printf(Locale.ROOT, "Wall time: %.3f s%n", (System.nanoTime() - start) / 1e9);
        }
    }

    /** {@code %load FILE.jsh} lines replaced by the file's text (JShell sources: statements, declarations). */
    private static String loadFiles(String source) {
        Matcher m = LOAD_LINE.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String arg = m.group(1).strip();
            if (arg.length() > 1 && (arg.startsWith("\"") && arg.endsWith("\"") || arg.startsWith("'") && arg.endsWith("'"))) {
                arg = arg.substring(1, arg.length() - 1);
            } else if (arg.isEmpty() || arg.contains(" ")) {
                throw new MagicUsageError("%load expects one file of Java snippets: %load FILE.jsh");
            }
            Path file = Path.of(arg);
            if (!Files.isRegularFile(file)) {
                throw new MagicUsageError("%load expects a readable file: " + file.toAbsolutePath() + " is not one");
            }
            try {
                m.appendReplacement(out, Matcher.quoteReplacement(Files.readString(file)));
            } catch (IOException e) {
                throw new MagicUsageError("%load cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
            }
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Adds jars or class directories to what cells compile against and load, as {@code %classpath} does. */
    public void addToClasspath(String entries) {
        evaluator.addToClasspath(List.of(entries.split(File.pathSeparator)));
    }

    /**
     * {@code %maven [--offline] group:artifact:version...}: resolves the artifacts and their runtime dependencies
     * (Maven's resolver, the user's local repository as cache) and adds their jars to the class path, all or none.
     */
    private void addMavenArtifacts(List<String> args) {
        boolean offline = false;
        List<String> coordinates = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--offline") || arg.equals("-o")) {
                offline = true;
            } else if (arg.startsWith("-")) {
                throw new MagicUsageError("%maven expects [--offline] group:artifact:version..., not the option " + arg);
            } else {
                coordinates.add(arg);
            }
        }
        if (coordinates.isEmpty()) {
            throw new MagicUsageError("%maven expects [--offline] group:artifact:version..., e.g. %maven org.knowm.xchart:xchart:3.8.8");
        }
        MavenResolver resolver = maven != null ? maven : MavenResolver.forUser();
        List<Path> jars;
        try {
            jars = resolver.offline(offline || resolver.offline()).resolve(coordinates);
        } catch (IllegalArgumentException e) {
            throw new MagicUsageError("%maven expects group:artifact:version (or group:artifact:extension[:classifier]:version), "
                    + e.getMessage());
        } catch (IllegalStateException e) {
            throw new MagicUsageError("%maven: " + e.getMessage() + " (class path unchanged)");
        }
        evaluator.addToClasspath(jars.stream().map(Path::toString).toList());
        System.out.println("%maven added " + jars.size() + (jars.size() == 1 ? " jar: " : " jars: ")
                + jars.stream().map(j -> j.getFileName().toString()).collect(Collectors.joining(" ")));
    }

    /** The magics a cell can use, one line each kind, as {@code %lsmagic} prints them. */
    String magics() {
        Set<String> line = new TreeSet<>(magicsRegistry.getLineMagicNames());
        line.add(LOAD);
        Set<String> cell = new TreeSet<>(magicsRegistry.getCellMagicNames());
        cell.add(TIME);
        return "Line magics: " + line.stream().map(n -> "%" + n).collect(Collectors.joining(" ")) + "\n"
                + "Cell magics: " + cell.stream().map(n -> "%%" + n).collect(Collectors.joining(" "));
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        List<SourceCodeAnalysis.Documentation> docs = evaluator.documentation(code, at);
        if (docs.isEmpty()) {
            return null;
        }
        return new DisplayData(docs.stream()
                .map(d -> d.javadoc() == null ? d.signature() : d.signature() + "\n" + d.javadoc())
                .collect(Collectors.joining("\n\n")));
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = {at};
        List<String> options = evaluator.complete(code, at, anchor);
        return new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        switch (evaluator.completeness(code)) {
            case COMPLETE:
            case COMPLETE_WITH_SEMI:
            case EMPTY:
                return IS_COMPLETE_YES;
            case UNKNOWN:
                return IS_COMPLETE_BAD;
            default:
                return ""; // incomplete: the next line needs no indent
        }
    }

    /** Lets listening code (training) stop cleanly; with no listener, stops the cell. */
    @Override
    public void interrupt() {
        if (!interrupts.interrupt()) {
            evaluator.stop();
        }
    }

    @Override
    public List<String> formatError(Throwable e) {
        return e instanceof CellException cell ? cell.traceback() : new ArrayList<>(super.formatError(e));
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        super.onShutdown(isRestarting);
        evaluator.close();
    }

    /** Builds the kernel; {@link #classPath} is what cells compile against (by default the JVM's own). */
    public static final class Builder extends BaseKernelBuilder<Builder, TunebookKernel> {
        private String classPath = System.getProperty("java.class.path");
        private Interrupts interrupts = Interrupts.kernel();
        private MavenResolver maven;

        private Builder() {
            name("tunebook");
            // The packaged jar's manifest carries the project version; class directories have none.
            version(Objects.requireNonNullElse(TunebookKernel.class.getPackage().getImplementationVersion(), "dev"));
            lineMagic("classpath", (LineMagic<Void, TunebookKernel>) (kernel, args) -> {
                if (args.isEmpty()) {
                    throw new MagicUsageError("%classpath expects class path entries: %classpath a.jar:dir/*");
                }
                try {
                    kernel.addToClasspath(String.join(File.pathSeparator, args));
                } catch (IllegalArgumentException e) {
                    throw new MagicUsageError(e.getMessage());
                }
                return null;
            });
            lineMagic("jars", (LineMagic<Void, TunebookKernel>) (kernel, args) -> {
                if (args.isEmpty()) {
                    throw new MagicUsageError("%jars expects jar paths or globs: %jars lib/target/tunebook-all.jar");
                }
                List<String> jars = new ArrayList<>();
                for (String arg : args) {
                    List<String> matched = CellEvaluator.glob(arg);
                    if (matched.isEmpty()) {
                        throw new MagicUsageError("%jars expects jar paths or globs: nothing matches " + arg);
                    }
                    jars.addAll(matched);
                }
                kernel.evaluator.addToClasspath(jars);
                return null;
            });
            lineMagic("maven", (LineMagic<Void, TunebookKernel>) (kernel, args) -> {
                kernel.addMavenArtifacts(args);
                return null;
            });
            lineMagic("lsmagic", (LineMagic<Void, TunebookKernel>) (kernel, args) -> {
                if (!args.isEmpty()) {
                    throw new MagicUsageError("%lsmagic takes no arguments");
                }
                System.out.println(kernel.magics());
                return null;
            });
        }

        public Builder classPath(String classPath) {
            this.classPath = classPath;
            return this;
        }

        /** Where interrupts go before the cell is stopped; the kernel-wide registry by default. */
        public Builder interrupts(Interrupts interrupts) {
            this.interrupts = interrupts;
            return this;
        }

        /** Where {@code %maven} resolves from; by default as Maven would for this user, read at each use. */
        Builder maven(MavenResolver maven) {
            this.maven = maven;
            return this;
        }

        @Override
        public TunebookKernel build() {
            return new TunebookKernel(buildName(), buildVersion(), buildJupyterIO(buildJupyterIOEncoding()),
                    buildCommManager(), buildRenderer(), new MagicParser("^\\s*%", "%%", buildMagicTranspiler()),
                    buildMagicsRegistry(), buildErrorStyler(), new CellEvaluator(classPath, IMPORTS), interrupts, maven);
        }
    }
}
