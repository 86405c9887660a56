package io.tunebook.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where datasets start: {@link #load} a file as it is (strict, format detected),
 * {@link #from} files with options, or {@link #mix} several with weights.
 *
 * <pre>{@code
 * Dataset data = Datasets.load("train.jsonl");
 * ValidationReport report = Datasets.from("big.jsonl").validate();
 * Dataset mixed = Datasets.mix().add("general.jsonl", 1.0).add("domain.jsonl", 3.0).seed(42).load();
 * }</pre>
 */
public final class Datasets {
    private Datasets() {
    }

    /** A loader of these files, to configure before {@link DatasetLoader#load()}. */
    public static DatasetLoader from(List<Path> files) {
        return new DatasetLoader(files);
    }

    public static DatasetLoader from(Path... files) {
        return from(List.of(files));
    }

    public static DatasetLoader from(String file, String... more) {
        List<Path> paths = new ArrayList<>();
        paths.add(Path.of(file));
        for (String m : more) {
            paths.add(Path.of(m));
        }
        return from(paths);
    }

    /** Loads files strictly, each in its detected format; a {@link ValidationException} lists any bad row. */
    public static Dataset load(Path... files) {
        return from(files).load();
    }

    public static Dataset load(String file, String... more) {
        return from(file, more).load();
    }

    /** Starts a weighted mix of files and datasets. */
    public static DatasetMix mix() {
        return new DatasetMix();
    }
}
