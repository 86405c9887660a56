/**
 * Loading and running Hugging Face causal language models on DJL's PyTorch engine: {@link io.tunebook.model.CausalLM}
 * (loading, logits, saving), {@link io.tunebook.model.Generator} (decoding with a KV cache) and chat through the
 * model's own template: {@code model.ask("question")} for one answer, {@link io.tunebook.model.Generator#chat} for a
 * conversation, {@link io.tunebook.model.ChatEncoding} and {@link io.tunebook.model.PromptRenderer} underneath.
 */
package io.tunebook.model;
