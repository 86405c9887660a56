package io.tunebook.data;

import java.util.List;

/** Examples tokenized for supervised fine-tuning, and the report of what was kept, truncated and dropped. */
public record TokenizedDataset(List<TokenizedExample> examples, TokenizationReport report) {
    public TokenizedDataset {
        examples = List.copyOf(examples);
    }

    public int size() {
        return examples.size();
    }
}
