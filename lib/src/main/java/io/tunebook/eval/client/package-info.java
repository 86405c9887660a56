/**
 * Chat backends for evaluation: any OpenAI-compatible endpoint ({@link io.tunebook.eval.client.OpenAiClient}:
 * timeouts, retries with backoff honouring {@code Retry-After}, a concurrency limit, token and cost
 * accounting, an on-disk response cache) and a local tunebook model
 * ({@link io.tunebook.eval.client.LocalChatBackend}), both behind {@link io.tunebook.eval.client.ChatBackend}.
 * A local model is prompted as {@link io.tunebook.model.Generator#chat} prompts it: through its own chat
 * template ({@link io.tunebook.model.ChatEncoding}, as supervised fine-tuning encoded it), or a plain
 * transcript when it has none.
 *
 * <p>An API key is read from a named environment variable and never leaves the {@code Authorization}
 * header: not in {@code toString}, exceptions, logs or cache files.
 */
package io.tunebook.eval.client;
