package io.tunebook.plan;

/** What to build to adapt a model to a use case. */
public enum Approach {
    PROMPTING("prompt engineering"),
    RAG("retrieval-augmented generation"),
    FINE_TUNING("fine-tuning (LoRA or QLoRA)"),
    RAG_AND_FINE_TUNING("fine-tuning combined with retrieval");

    private final String label;

    Approach(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
