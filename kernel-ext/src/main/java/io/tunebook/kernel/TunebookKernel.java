package io.tunebook.kernel;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
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
 * bundles ({@link DisplayableExtension}); an interrupt asks running training to stop at a step
 * boundary ({@link Interrupts}) or else stops the cell; {@code %classpath a.jar:dir/*} adds jars.
 */
public final class TunebookKernel extends BaseKernel {
    /** Packages every cell sees without importing them (those present on the class path). */
    static final List<String> IMPORTS = List.of("io.tunebook.data", "io.tunebook.model", "io.tunebook.lora",
            "io.tunebook.quant", "io.tunebook.train", "io.tunebook.eval", "io.tunebook.export",
            "io.tunebook.display", "io.tunebook.kernel", "java.util", "java.nio.file");

    private final CellEvaluator evaluator;
    private final Interrupts interrupts;

    private TunebookKernel(String name, String version, JupyterIO io, CommManager comms, Renderer renderer,
            MagicParser magics, MagicsRegistry registry, StringStyler errorStyler, CellEvaluator evaluator,
            Interrupts interrupts) {
        super(name, version, languageInfo(), List.of(), null, io, comms, renderer, magics, registry, true,
                errorStyler);
        this.evaluator = evaluator;
        this.interrupts = interrupts;
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
        return evaluator.eval(executionCount.get() - 1, magicParser.resolveMagics(source));
    }

    /** Adds jars or class directories to what cells compile against and load, as {@code %classpath} does. */
    public void addToClasspath(String entries) {
        evaluator.addToClasspath(List.of(entries.split(File.pathSeparator)));
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

        private Builder() {
            name("tunebook");
            // The packaged jar's manifest carries the project version; class directories have none.
            version(Objects.requireNonNullElse(TunebookKernel.class.getPackage().getImplementationVersion(), "dev"));
            lineMagic("classpath", (LineMagic<Void, TunebookKernel>) (kernel, args) -> {
                kernel.addToClasspath(String.join(File.pathSeparator, args));
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

        @Override
        public TunebookKernel build() {
            List<String> imports = IMPORTS.stream().filter(Builder::onClassPath).collect(Collectors.toList());
            return new TunebookKernel(buildName(), buildVersion(), buildJupyterIO(buildJupyterIOEncoding()),
                    buildCommManager(), buildRenderer(), new MagicParser("^\\s*%", "%%", buildMagicTranspiler()),
                    buildMagicsRegistry(), buildErrorStyler(), new CellEvaluator(classPath, imports), interrupts);
        }

        /** Pipeline stages that do not exist yet are not imported, so each cell still compiles. */
        private static boolean onClassPath(String pkg) {
            return pkg.startsWith("java.")
                    || TunebookKernel.class.getClassLoader().getResource(pkg.replace('.', '/')) != null;
        }
    }
}
