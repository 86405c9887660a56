/**
 * The recipe of {@code models/tiny-base}'s tokenizer, kept out of the library because nothing but that recipe uses
 * it: {@link io.tunebook.tinybase.BpeTrainer} learns a byte-level BPE from a text corpus and writes
 * {@code tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json} (run by
 * {@code models/tiny-base/recipe/train-tokenizer.sh}); {@link io.tunebook.tinybase.BpeEncoder} is a plain-Java
 * encoder for checking them. Models read tokenizers through {@link io.tunebook.model.Tokenizer}. Test scope, so
 * that the build compiles and tests the recipe.
 */
package io.tunebook.tinybase;
