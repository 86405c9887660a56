package io.tunebook.data.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.tunebook.data.ChatTemplateException;
import java.util.Map;
import java.util.Properties;
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
    private static final Jinjava JINJAVA = create();

    private HfJinja() {
    }

    private static Jinjava create() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyStrings());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        JinjavaConfig config = JinjavaConfig.newBuilder()
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
        Properties el = new Properties();
        el.setProperty(TreeBuilder.class.getName(), Jinja2SyntaxBuilder.class.getName());
        el.setProperty("jinjava.javax.el.cacheSize", "0");
        ExpressionFactory expressions = new ExpressionFactoryImpl(el, new TruthyTypeConverter());
        Jinjava jinjava = new Jinjava(config) {
            @Override
            public ExpressionFactory getExpressionFactory() {
                return expressions;
            }
        };
        var context = jinjava.getGlobalContext();
        context.registerFunction(new ELFunctionDefinition("", "raise_exception", Globals.class, "raiseException",
                Object.class));
        context.registerFunction(new ELFunctionDefinition("", "strftime_now", Globals.class, "strftimeNow",
                String.class));
        context.registerFilter(new TojsonFilter());
        context.registerFilter(new TrimFilter());
        context.registerFilter(new ItemsFilter());
        context.registerTag(new GenerationTag());
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
        @SuppressWarnings("unchecked")
        Map<String, Object> bindings = (Map<String, Object>) variables;
        RenderResult result = JINJAVA.renderForResult(withoutTrailingNewline(source), bindings);
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() != TemplateError.ErrorType.FATAL) {
                continue;        // jinja2 renders an undefined value as nothing; so does Jinjava, with a warning
            }
            Throwable raised = e.getException();
            while (raised != null && !(raised instanceof Globals.TemplateRaised)) {
                raised = raised.getCause();
            }
            if (raised != null) {
                throw new ChatTemplateException("chat template " + name + " refused the conversation: "
                        + raised.getMessage());
            }
            throw new ChatTemplateException("chat template " + name + ", line " + e.getLineno() + ": "
                    + e.getMessage() + (e.getFieldName() == null ? "" : " (in `" + e.getFieldName() + "`)"));
        }
        return result.getOutput();
    }

    /** jinja2's default {@code keep_trailing_newline=False}: one newline at the end of the source is dropped. */
    private static String withoutTrailingNewline(String source) {
        if (source.endsWith("\r\n")) {
            return source.substring(0, source.length() - 2);
        }
        return source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
    }
}
