/**
 * Export and deployment, the last stage of the pipeline: a model, alone or with a PEFT adapter
 * merged in, leaves tunebook in the formats that run it elsewhere. Depends on {@code data},
 * {@code model}, {@code lora}, {@code train} and {@code eval} (the model card reads a run's files and an
 * evaluation), never on the side packages.
 *
 * <ul>
 * <li>{@link io.tunebook.export.Exporter}: the entry point ({@code tunebook export}); GGUF, a merged Hugging
 * Face directory or a PEFT adapter, each with a model card, written under a temporary name and renamed,
 * refused before writing when the format cannot hold the model.</li>
 * <li>{@link io.tunebook.export.GgufExport} and {@link io.tunebook.export.GgufWriter}: GGUF v3 for
 * llama.cpp as its converter lays it out (Llama 2/3/3.1, Mistral, Qwen2/2.5, Qwen3), with the tokenizer and
 * chat template; tensor types by {@link io.tunebook.export.GgufFileType} (f32, f16, bf16, q8_0, q4_0,
 * Q4_K_M), quantized by ggml's reference quantizers.</li>
 * <li>{@link io.tunebook.export.Modelfile}: Ollama's Modelfile, the chat template in Go-template syntax.</li>
 * <li>{@link io.tunebook.export.LlamaCpp}: llama.cpp itself (node-llama-cpp, {@code llama-cpp/} at the
 * repository root) on an exported file, for the tests and notebook 07.</li>
 * </ul>
 */
package io.tunebook.export;
