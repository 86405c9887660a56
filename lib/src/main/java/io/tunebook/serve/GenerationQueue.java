package io.tunebook.serve;

import io.tunebook.model.BatchDecoder;
import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.TokenListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that runs the model, fed by a bounded queue. A model is not thread-safe, so this
 * thread alone drives a {@link BatchDecoder}: between two tokens it takes waiting requests into the
 * running batch while the batch has room ({@link ServerConfig#maxBatch()} prompts), and a request
 * leaves as soon as its prompts are done. When the queue is full a request is refused at once (429)
 * rather than left to time out.
 */
final class GenerationQueue {
    private final CausalLM model;
    private final int capacity;
    private final int maxBatch;
    private final BlockingQueue<Job> waiting;
    private final Thread worker;
    private volatile boolean shutdown;
    private volatile boolean cancelled;

    GenerationQueue(CausalLM model, int capacity, int maxBatch) {
        this.model = model;
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        this.waiting = new ArrayBlockingQueue<>(capacity);
        this.worker = new Thread(this::run, "tunebook-serve-generation");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues a generation; the listener (may be null) sees each token on the worker thread. Cancelling
     * the future (or the listener throwing) takes the request's prompts out of the batch at the next token.
     *
     * @throws ApiError 429 when the queue is full, 503 once the server is shutting down
     */
    Future<List<GenerationResult>> submit(CompletionRequest request, TokenListener listener) {
        if (shutdown) {
            throw shuttingDown();
        }
        TokenListener checked = (row, id, delta) -> {
            if (cancelled) {
                throw new CancellationException("the server is shutting down");
            }
            if (listener != null) {
                listener.onToken(row, id, delta);
            }
        };
        Job job = new Job(request, checked);
        if (!waiting.offer(job)) {
            throw new ApiError(429, "rate_limit_error", "the server is busy: " + capacity
                    + " requests are already waiting; retry later", null, "queue_full");
        }
        if (shutdown && waiting.remove(job)) {
            throw shuttingDown(); // raced with close(): it may not have seen this job
        }
        return job.result;
    }

    static ApiError shuttingDown() {
        return new ApiError(503, "server_error", "the server is shutting down", null, "shutting_down");
    }

    /** A request and the sequences its prompts decode as once it has joined the batch. */
    private static final class Job {
        final CompletionRequest request;
        final TokenListener listener;
        final CompletableFuture<List<GenerationResult>> result = new CompletableFuture<>();
        final List<BatchDecoder.Sequence> sequences = new ArrayList<>();
        int remaining;

        Job(CompletionRequest request, TokenListener listener) {
            this.request = request;
            this.listener = listener;
        }

        /** Ends the job with {@code failure}; its other prompts leave the batch at the next step. */
        void fail(Throwable failure) {
            result.completeExceptionally(failure);
            sequences.forEach(BatchDecoder.Sequence::cancel);
        }
    }

    private void run() {
        List<Job> running = new ArrayList<>();
        BatchDecoder decoder = new BatchDecoder(model);
        try {
            while (true) {
                int rows = decoder.active();
                if (rows == 0) {
                    if (shutdown && waiting.isEmpty()) {
                        return;
                    }
                    Job first = waiting.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    rows += admit(first, decoder, running);
                }
                // Whoever waits joins now if the batch has room (a request larger than the batch joins an empty one).
                for (Job next = waiting.peek(); next != null && rows + next.request.prompts().size() <= maxBatch;
                        next = waiting.peek()) {
                    waiting.poll();
                    rows += admit(next, decoder, running);
                }
                for (Job job : running) {
                    if (job.result.isDone()) {
                        job.sequences.forEach(BatchDecoder.Sequence::cancel); // the client gave up
                    }
                }
                List<BatchDecoder.Sequence> finished;
                try {
                    finished = decoder.step();
                } catch (RuntimeException e) {
                    // The model failed, not a request: every running request gets the error, and a fresh batch starts.
                    running.forEach(job -> job.fail(e));
                    running.clear();
                    decoder.close();
                    decoder = new BatchDecoder(model);
                    continue;
                }
                for (Job job : running) {
                    for (BatchDecoder.Sequence s : job.sequences) {
                        if (finished.contains(s)) {
                            job.remaining--;
                            s.failure().ifPresent(job::fail);
                        }
                    }
                    if (job.remaining == 0 && !job.result.isDone()) {
                        List<GenerationResult> results = new ArrayList<>();
                        job.sequences.forEach(s -> results.add(s.result()));
                        job.result.complete(results);
                    }
                }
                running.removeIf(job -> job.remaining == 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            CancellationException stopped = new CancellationException("the server is shutting down");
            running.forEach(job -> job.fail(stopped));
            decoder.close();
        }
    }

    /** Adds a job's prompts to the batch and returns how many; a job already cancelled adds none. */
    private static int admit(Job job, BatchDecoder decoder, List<Job> running) {
        if (job.result.isDone()) {
            return 0;
        }
        List<long[]> prompts = job.request.prompts();
        try {
            for (int i = 0; i < prompts.size(); i++) {
                job.sequences.add(decoder.add(prompts.get(i), job.request.settings(), i, job.listener));
            }
        } catch (IllegalArgumentException e) {
            job.fail(e); // what was added leaves at the next step
        }
        job.remaining = job.sequences.size();
        if (prompts.isEmpty()) {
            job.result.complete(List.of());
        }
        running.add(job);
        return job.sequences.size();
    }

    /**
     * Takes no more requests, lets the queued and running ones finish for up to {@code drain}, then
     * cancels the rest: running generations stop at their next token, queued ones never start.
     */
    void close(Duration drain) throws InterruptedException {
        shutdown = true;
        worker.join(Math.max(1, drain.toMillis()));
        if (worker.isAlive()) {
            cancelled = true;
            for (Job queued = waiting.poll(); queued != null; queued = waiting.poll()) {
                queued.result.cancel(false);
            }
            worker.join(30_000);
        }
    }
}
