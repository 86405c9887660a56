package io.tunebook.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The train, validation and test parts of a dataset (validation and test may be empty). */
public record DatasetSplits(Dataset train, Dataset validation, Dataset test) {
    /**
     * Writes {@code train.jsonl}, {@code validation.jsonl} and {@code test.jsonl} into {@code dir},
     * each split only when it has examples.
     *
     * @return the files written
     */
    public List<Path> write(Path dir, DatasetFormat format) {
        List<Path> out = new ArrayList<>();
        write(dir.resolve("train.jsonl"), train, format, out);
        write(dir.resolve("validation.jsonl"), validation, format, out);
        write(dir.resolve("test.jsonl"), test, format, out);
        return out;
    }

    private static void write(Path file, Dataset d, DatasetFormat format, List<Path> out) {
        if (!d.isEmpty()) {
            d.write(file, format);
            out.add(file);
        }
    }
}
