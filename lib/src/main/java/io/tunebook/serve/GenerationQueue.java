package io.tunebook.serve;

import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.Generator;
import io.tunebook.model.TokenListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that runs the model, fed by a bounded queue: a model is not thread-safe and
 * decodes one batch at a time, so requests wait their turn; when the queue is full a request is
 * refused at once (429) rather than left to time out.
 */
final class GenerationQueue {
    private final Generator generator;
    private final int capacity;
    private final ThreadPoolExecutor worker;
    private volatile boolean cancelled;

    GenerationQueue(CausalLM model, int capacity) {
        this.generator = Generator.of(model);
        this.capacity = capacity;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                r -> {
                    Thread t = new Thread(r, "tunebook-serve-generation");
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Queues a generation; the listener (may be null) sees each token on the worker thread.
     *
     * @throws ApiError 429 when the queue is full, 503 once the server is shutting down
     */
    Future<List<GenerationResult>> submit(CompletionRequest request, TokenListener listener) {
        TokenListener checked = (row, id, delta) -> {
            if (cancelled) {
                throw new CancellationException("the server is shutting down");
            }
            if (listener != null) {
                listener.onToken(row, id, delta);
            }
        };
        try {
            return worker.submit(() -> generator.generateIds(request.prompts(), request.settings(), checked));
        } catch (RejectedExecutionException e) {
            if (worker.isShutdown()) {
                throw shuttingDown();
            }
            throw new ApiError(429, "rate_limit_error", "the server is busy: " + capacity
                    + " requests are already waiting; retry later", null, "queue_full");
        }
    }

    static ApiError shuttingDown() {
        return new ApiError(503, "server_error", "the server is shutting down", null, "shutting_down");
    }

    /**
     * Takes no more requests, lets the queued and running ones finish for up to {@code drain}, then
     * cancels the rest: the running generation stops at its next token, queued ones never start.
     */
    void close(Duration drain) throws InterruptedException {
        worker.shutdown();
        if (!worker.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
            cancelled = true;
            for (Runnable queued : worker.shutdownNow()) {
                ((Future<?>) queued).cancel(false);
            }
            worker.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
