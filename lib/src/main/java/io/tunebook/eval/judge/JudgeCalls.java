package io.tunebook.eval.judge;

import io.tunebook.data.Message;
import io.tunebook.eval.client.ChatBackend;
import io.tunebook.eval.client.ChatBackendException;
import io.tunebook.eval.client.ChatRequest;
import io.tunebook.eval.client.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Asks the judge and reads its answer; runs many items at once. Shared by the judges. */
final class JudgeCalls {
    private final ChatBackend backend;
    private final JudgeSettings settings;

    JudgeCalls(ChatBackend backend, JudgeSettings settings) {
        this.backend = backend;
        this.settings = settings;
    }

    String judgeModel() {
        return backend.modelId();
    }

    /**
     * One call; a failed call or an unreadable answer is recorded in the judgment, not thrown, so
     * that one bad item does not lose a whole run.
     */
    <T> Judgment<T> ask(Template template, Map<String, String> values, Function<String, Optional<T>> parser,
            String expected, String... choices) {
        ChatRequest request = ChatRequest.builder()
                .choices(choices)
                .messages(List.of(Message.system(template.system()), Message.user(template.render(values))))
                .maxTokens(settings.maxTokens())
                .temperature(settings.temperature())
                .build();
        ChatResponse r;
        try {
            r = backend.chat(request);
        } catch (ChatBackendException e) {
            return Judgment.failed("the judge call failed: " + e.getMessage());
        }
        Optional<T> parsed = parser.apply(r.text());
        Optional<String> problem = parsed.isPresent() ? Optional.empty()
                : Optional.of("unparseable: the answer has no " + expected);
        return new Judgment<>(r.text(), parsed, problem, r.usage(), r.cached());
    }

    /** {@code each} applied to every item, {@link JudgeSettings#parallelism()} at a time, in item order. */
    <I, R> List<R> all(List<I> items, Function<I, R> each) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.parallelism(), Math.max(1, items.size())));
        try {
            List<Future<R>> pending = new ArrayList<>();
            for (I item : items) {
                pending.add(pool.submit(() -> each.apply(item)));
            }
            List<R> out = new ArrayList<>();
            for (Future<R> f : pending) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while judging", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
