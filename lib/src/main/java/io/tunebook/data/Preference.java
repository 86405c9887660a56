package io.tunebook.data;

import java.util.Objects;

/**
 * A preference pair (DPO, ORPO, KTO-style data): a prompt conversation ending on a user turn, the
 * preferred answer and the rejected one.
 */
public record Preference(Conversation prompt, String chosen, String rejected) {
    public Preference {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
    }
}
