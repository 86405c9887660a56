package io.tunebook.data;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What tokenizing a chat needs from a model's tokenizer, so that this package never loads one:
 * token ids with the character span of each token, the special tokens a chat template prints, and
 * the tokenizer's own chat template. {@code io.tunebook.model.Tokenizer} implements it.
 */
public interface TextEncoder {
    /**
     * The tokens of {@code text} as written: special tokens spelled in the text ({@code <|im_start|>})
     * are recognised, none are added (the chat template prints BOS when the model wants one).
     */
    EncodedText encodeWithOffsets(String text);

    /**
     * The special tokens by their template variable name ({@code bos_token}, {@code eos_token},
     * {@code pad_token}, {@code unk_token}) with their text, for those the tokenizer defines.
     */
    Map<String, String> specialTokens();

    OptionalLong eosId();

    OptionalLong padId();

    /** The tokenizer's default chat template (Jinja source), if it has one. */
    Optional<String> chatTemplate();
}
