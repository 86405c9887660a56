/**
 * Byte-level BPE tokenizers in Hugging Face format: {@link io.tunebook.model.tokenizer.BpeTrainer}
 * learns one from a text corpus and writes {@code tokenizer.json}, {@code tokenizer_config.json} and
 * {@code special_tokens_map.json}; {@link io.tunebook.model.tokenizer.BpeEncoder} is a plain-Java
 * encoder for checking them. Models use them through {@link io.tunebook.model.Tokenizer}.
 */
package io.tunebook.model.tokenizer;
