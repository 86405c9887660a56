package io.tunebook.eval.monitor;

import io.tunebook.data.Message;
import io.tunebook.eval.client.ChatRequest;
import io.tunebook.eval.client.ChatResponse;
import io.tunebook.eval.client.OpenAiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sends prompts to an OpenAI-compatible endpoint, streamed, and times each: total latency and time to
 * the first piece of text, with the server's token counts. {@code concurrency} requests are kept in flight
 * (1: one after the other, the latency a lone user sees; more: a load, where queueing shows in the tail).
 */
public final class LatencyProbe {
    private final OpenAiClient client;
    private final int maxTokens;
    private final int concurrency;

    private LatencyProbe(OpenAiClient client, int maxTokens, int concurrency) {
        if (maxTokens < 1 || concurrency < 1) {
            throw new IllegalArgumentException("maxTokens and concurrency must be at least 1, got " + maxTokens + ", "
                    + concurrency);
        }
        this.client = client;
        this.maxTokens = maxTokens;
        this.concurrency = concurrency;
    }

    /** Greedy answers of at most {@code maxTokens}, {@code concurrency} requests at a time. */
    public static LatencyProbe of(OpenAiClient client, int maxTokens, int concurrency) {
        return new LatencyProbe(client, maxTokens, concurrency);
    }

    /** Each conversation (the prompt's messages) sent once; the timings keep the conversations' order. */
    public ServingStats run(List<List<Message>> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to send");
        }
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            long start = System.nanoTime();
            List<Future<RequestTiming>> futures = new ArrayList<>();
            for (List<Message> p : prompts) {
                futures.add(pool.submit(() -> time(p)));
            }
            List<RequestTiming> timings = new ArrayList<>();
            for (Future<RequestTiming> f : futures) {
                timings.add(f.get());
            }
            return new ServingStats(timings, (System.nanoTime() - start) / 1e9, concurrency);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private RequestTiming time(List<Message> prompt) {
        ChatRequest request = ChatRequest.builder().messages(prompt).maxTokens(maxTokens).temperature(0).build();
        long[] first = {-1};
        long sent = System.nanoTime();
        ChatResponse r = client.chatStreaming(request, piece -> {
            if (first[0] < 0) {
                first[0] = System.nanoTime();
            }
        });
        long done = System.nanoTime();
        return new RequestTiming((done - sent) / 1e6, first[0] < 0 ? Double.NaN : (first[0] - sent) / 1e6,
                r.usage().promptTokens(), r.usage().completionTokens(), r.text());
    }
}
