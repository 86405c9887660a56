package io.tunebook.data.jinja;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tunebook.Mutations;
import io.tunebook.data.ChatTemplate;
import io.tunebook.data.ChatTemplateException;
import io.tunebook.data.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chat templates are code from a model's files: mutated built-in templates render or fail with a
 * {@link ChatTemplateException}, and hostile ones (nested loops of a trillion turns, a string doubled
 * sixty-four times, endless recursion) are stopped by the time and size limits.
 */
class TemplateFuzzTest {
    private static final List<Message> CHAT = List.of(Message.system("Sois bref."), Message.user("Où est ma commande ?"),
            Message.assistant("En route."), Message.user("Merci"));

    @Test
    void mutatedTemplatesRenderOrFailWithATemplateError() {
        Mutations m = new Mutations(99);
        int cases = Mutations.cases(300);
        int rendered = 0;
        for (int i = 0; i < cases; i++) {
            String source = m.mutate(ChatTemplate.builtIn(ChatTemplate.BUILT_IN.get(i % ChatTemplate.BUILT_IN.size()))
                    .source());
            try {
                HfJinja.render("fuzz", source, Map.of("messages", List.of(Map.of("role", "user", "content", "q")),
                        "add_generation_prompt", true, "bos_token", "<s>", "eos_token", "</s>"), Duration.ofSeconds(5));
                rendered++;
            } catch (ChatTemplateException clean) {
                // refused, with the template's name
            } catch (RuntimeException | StackOverflowError e) {
                fail("case " + i + " (seed 99): " + e + "\n" + source, e);
            }
        }
        System.err.println("TemplateFuzzTest: " + cases + " mutated templates, " + rendered + " rendered");
    }

    @Test
    void hostileTemplatesAreStoppedByTimeAndSize() {
        String loops = "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}{% endfor %}"
                + "{% endfor %}{% endfor %}";
        for (String hostile : new String[] {
            "{% set s = 'ab' %}{% for i in range(64) %}{% set s = s ~ s %}{% endfor %}{{ s }}",
            "{{ 'x' * 1000000000 }}",
            "{% for i in range(9000) %}{{ 'y' * 9000 }}{% endfor %}"}) {
            long start = System.nanoTime();
            ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.of("hostile", hostile)
                    .render(CHAT, true, Map.of()), hostile);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(e.getMessage().startsWith("chat template hostile"), e.getMessage());
            assertTrue(seconds < HfJinja.TIME_LIMIT.toSeconds() + 5, hostile + " took " + seconds + " s");
        }
        // Endless recursion ends at the depth limit (Jinjava renders the deepest call as nothing).
        long start = System.nanoTime();
        String deep = ChatTemplate.of("recursive", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
                .render(CHAT, true, Map.of());
        assertTrue(deep.length() < 1000 && (System.nanoTime() - start) / 1e9 < 5, deep);
        // A loop of a trillion turns that writes nothing: only time stops it (2 s here; TIME_LIMIT in use).
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> HfJinja.render("slow", loops,
                Map.of(), Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("did not finish rendering within 2 s"), e.getMessage());
    }
}
