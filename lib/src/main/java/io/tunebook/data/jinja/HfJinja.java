package io.tunebook.data.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.Context.Library;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.tunebook.data.ChatTemplateException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;

/**
 * Renders Jinja chat templates as transformers' {@code apply_chat_template} does with jinja2:
 * {@code trim_blocks} and {@code lstrip_blocks}, loop controls ({@code break}, {@code continue}),
 * {@code namespace()}, the globals {@code raise_exception} and {@code strftime_now}, the
 * {@code tojson} filter of transformers, Python string methods and indexing, and the
 * {@code generation} block, and jinja2's precedence of {@code not}. Jinjava implements the rest of Jinja; its legacy switches are set to
 * the Python behaviour (map keys evaluated, iteration over dict keys, Python-style output of lists
 * and dicts, backslashes handled only inside quotes).
 *
 * <p>Thread-safe: every render gets its own interpreter.
 */
public final class HfJinja {
    /** Largest rendered prompt, in characters. */
    public static final long MAX_OUTPUT_CHARS = 16L << 20;
    /** Longest one render may take; a template that loops longer is stopped. */
    public static final Duration TIME_LIMIT = Duration.ofSeconds(10);
    private static final JinjavaConfig CONFIG = config();
    /** Renders run on these threads, so that one past {@link #TIME_LIMIT} can be stopped. */
    private static final ExecutorService RENDERERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tunebook-chat-template");
        t.setDaemon(true);
        return t;
    });
    private static final Jinjava JINJAVA = create();

    private HfJinja() {
    }

    private static JinjavaConfig config() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyStrings());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        return JinjavaConfig.newBuilder()
                // A hostile template cannot explode: bounded output, strings, lists, maps, ranges and nesting.
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withMaxStringLength(MAX_OUTPUT_CHARS)
                .withMaxListSize(100_000)
                .withMaxMapSize(100_000)
                .withRangeLimit(10_000)
                .withMaxRenderDepth(16)
                .withMaxMacroRecursionDepth(32)
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withUsePyishObjectMapper(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .withHandleBackslashInQuotesOnly(true)
                        .build())
                .build();
    }

    private static Jinjava create() {
        Properties el = new Properties();
        el.setProperty(TreeBuilder.class.getName(), Jinja2SyntaxBuilder.class.getName());
        // Parsed expressions can be cached (Jinjava turns the cache off) as all renders share one configuration.
        el.setProperty("jinjava.javax.el.cacheSize", "1000");
        ExpressionFactory expressions = new ExpressionFactoryImpl(el, new TruthyTypeConverter());
        Jinjava jinjava = new Jinjava(CONFIG) {
            @Override
            public ExpressionFactory getExpressionFactory() {
                return expressions;
            }
        };
        Context globals = jinjava.getGlobalContext();
        globals.registerFunction(new ELFunctionDefinition("", "raise_exception", Globals.class, "raiseException",
                Object.class));
        globals.registerFunction(new ELFunctionDefinition("", "strftime_now", Globals.class, "strftimeNow",
                String.class));
        globals.registerFilter(new TojsonFilter());
        globals.registerFilter(new TrimFilter());
        globals.registerFilter(new ItemsFilter());
        globals.registerTag(new GenerationTag());
        return jinjava;
    }

    /**
     * Renders {@code source} with {@code variables}.
     *
     * @param name what the template is called in error messages ("chatml", "tokenizer_config.json of models/x")
     * @throws ChatTemplateException for a syntax error, an unknown function or filter, or a
     *         {@code raise_exception} of the template, with the template's line
     */
    public static String render(String name, String source, Map<String, ?> variables) {
        return render(name, source, variables, TIME_LIMIT);
    }

    /**
     * {@link #render(String, String, Map)} within {@code limit}: past it, the rendering thread (which runs
     * nothing but the template: no native code, no shared state) is stopped and the template refused.
     */
    static String render(String name, String source, Map<String, ?> variables, Duration limit) {
        AtomicReference<Thread> worker = new AtomicReference<>();
        Future<String> rendering = RENDERERS.submit(() -> {
            worker.set(Thread.currentThread());
            try {
                return renderHere(name, source, variables);
            } finally {
                worker.set(null);
            }
        });
        try {
            return rendering.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            rendering.cancel(true);
            stop(worker.get());
            throw new ChatTemplateException("chat template " + name + " did not finish rendering within "
                    + limit.toSeconds() + " s; it was stopped (a loop too long for a prompt?)");
        } catch (InterruptedException e) {
            rendering.cancel(true);
            stop(worker.get());
            Thread.currentThread().interrupt();
            throw new ChatTemplateException("chat template " + name + ": interrupted while rendering");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ChatTemplateException refused) {
                throw refused;
            }
            if (cause instanceof RuntimeException) {
                // A template Jinjava cannot handle (its own parser's index errors on malformed tags, ...).
                throw new ChatTemplateException("chat template " + name + " cannot be rendered: " + cause, cause);
            }
            if (cause instanceof Error err) {
                throw new ChatTemplateException("chat template " + name + " failed: " + err);
            }
            throw new ChatTemplateException("chat template " + name + " failed: " + cause);
        }
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.stop();
        } catch (UnsupportedOperationException newerJdk) {
            // Java 20+ cannot stop a thread: it runs on, as a daemon, until the template ends.
        }
    }

    private static String renderHere(String name, String source, Map<String, ?> variables) {
        // A child of the global context, not Jinjava's per-render copy of it, which re-registers
        // every built-in filter and tag by reflection (about a millisecond a render).
        Context context = new StrictContext(JINJAVA.getGlobalContext(), variables, CONFIG.getDisabled());
        JinjavaInterpreter interpreter = new JinjavaInterpreter(JINJAVA, context, CONFIG);
        String output;
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            output = interpreter.render(withoutTrailingNewline(source));
        } catch (InterpretException e) {
            throw new ChatTemplateException("chat template " + name + ", line " + e.getLineNumber() + ": "
                    + e.getMessage(), e);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        for (TemplateError e : interpreter.getErrors()) {
            if (e.getSeverity() != TemplateError.ErrorType.FATAL) {
                continue;        // jinja2 renders an undefined value as nothing; so does Jinjava, with a warning
            }
            Throwable cause = e.getException();
            while (cause != null && !(cause instanceof Globals.TemplateRaised) && !(cause instanceof UnknownName)) {
                cause = cause.getCause();
            }
            if (cause instanceof Globals.TemplateRaised) {
                throw new ChatTemplateException("chat template " + name + " refused the conversation: "
                        + cause.getMessage());
            }
            if (cause != null) {
                throw new ChatTemplateException("chat template " + name + ", line " + e.getLineno() + ": "
                        + cause.getMessage());
            }
            throw new ChatTemplateException("chat template " + name + ", line " + e.getLineno() + ": "
                    + e.getMessage() + (e.getFieldName() == null ? "" : " (in `" + e.getFieldName() + "`)"));
        }
        return output;
    }

    /**
     * Fails on an unknown filter or test, as jinja2 does when it compiles the template; Jinjava
     * would silently render nothing.
     */
    private static final class StrictContext extends Context {
        StrictContext(Context parent, Map<String, ?> bindings, Map<Library, Set<String>> disabled) {
            super(parent, bindings, disabled);
        }

        @Override
        public Filter getFilter(String name) {
            return known(super.getFilter(name), "filter", name);
        }

        @Override
        public ExpTest getExpTest(String name) {
            return known(super.getExpTest(name), "test", name);
        }

        private static <T> T known(T found, String kind, String name) {
            if (found == null) {
                throw new UnknownName("no " + kind + " named '" + name + "'");
            }
            return found;
        }
    }

    private static final class UnknownName extends RuntimeException {
        UnknownName(String message) {
            super(message, null, false, false);
        }
    }

    /** jinja2's default {@code keep_trailing_newline=False}: one newline at the end of the source is dropped. */
    private static String withoutTrailingNewline(String source) {
        if (source.endsWith("\r\n")) {
            return source.substring(0, source.length() - 2);
        }
        return source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
    }
}
