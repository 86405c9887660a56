package io.tunebook.train;

/** An endless, seeded supply of training micro-batches. */
@FunctionalInterface
public interface BatchSource {
    Batch next();
}
