/**
 * {@code tunebook serve}: an OpenAI-compatible HTTP server for a tunebook model, on the JDK's
 * {@code com.sun.net.httpserver}. {@code GET /v1/models}, {@code POST /v1/chat/completions} and
 * {@code POST /v1/completions}, with {@code stream: true} as server-sent events; errors in
 * OpenAI's shape. Requests wait in a bounded queue for the one generation worker (a model decodes
 * one batch at a time); a full queue answers 429 with {@code Retry-After}. Chat messages go through
 * the model's own chat template as {@link io.tunebook.model.Generator#chat} puts them
 * ({@link io.tunebook.model.ChatEncoding}: the server encodes each request itself because it batches
 * and streams them) and answers stop at its end-of-turn token; a model with LoRA adapters (a {@code LoraModel} on it) is served as it is.
 *
 * <p>At the side of the pipeline, like {@code cli}: it may read {@code model} and {@code eval}; no
 * stage imports it.
 */
package io.tunebook.serve;
