package io.tunebook.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An immutable, in-memory list of examples, each with its source file and line, and the
 * {@link ValidationReport} of the load that made it. Operations return new datasets.
 *
 * <pre>{@code
 * Dataset data = Datasets.load("support.jsonl");
 * CleaningResult cleaned = data.clean(Cleaner.builder().build());
 * DatasetSplits splits = cleaned.dataset().split(Splitter.builder().validation(0.1).seed(42).build());
 * splits.train().write(Path.of("train.jsonl"), DatasetFormat.OPENAI);
 * }</pre>
 */
public final class Dataset implements Iterable<Example> {
    private final List<Example> examples;
    private final ValidationReport validation;

    Dataset(List<Example> examples, ValidationReport validation) {
        this.examples = Collections.unmodifiableList(new ArrayList<>(examples));
        this.validation = validation;
    }

    /** A dataset of examples built in code; those without a file are numbered by position. */
    public static Dataset of(List<Example> examples) {
        List<Example> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            out.add(e.source().isFile() ? e : e.withSource(Source.inMemory(i)));
        }
        return new Dataset(out, ValidationReport.empty());
    }

    public static Dataset of(Example... examples) {
        return of(List.of(examples));
    }

    /** A dataset of conversations built in code. */
    public static Dataset ofConversations(List<Conversation> conversations) {
        return of(conversations.stream().map(Example::of).toList());
    }

    public int size() {
        return examples.size();
    }

    public boolean isEmpty() {
        return examples.isEmpty();
    }

    public Example get(int index) {
        return examples.get(index);
    }

    public List<Example> examples() {
        return examples;
    }

    public List<Conversation> conversations() {
        return examples.stream().map(Example::conversation).toList();
    }

    public Stream<Example> stream() {
        return examples.stream();
    }

    @Override
    public Iterator<Example> iterator() {
        return examples.iterator();
    }

    /** What loading found: files, formats, skipped rows and their issues. */
    public ValidationReport validation() {
        return validation;
    }

    /** How many examples came from each format. */
    public Map<DatasetFormat, Long> formats() {
        Map<DatasetFormat, Long> out = new EnumMap<>(DatasetFormat.class);
        for (Example e : examples) {
            if (e.format() != null) {
                out.merge(e.format(), 1L, Long::sum);
            }
        }
        return out;
    }

    public Dataset filter(Predicate<Example> keep) {
        return new Dataset(examples.stream().filter(keep).toList(), validation);
    }

    public Dataset map(UnaryOperator<Example> f) {
        return new Dataset(examples.stream().map(f).toList(), validation);
    }

    /** The same examples in a seeded random order. */
    public Dataset shuffle(long seed) {
        List<Example> out = new ArrayList<>(examples);
        Collections.shuffle(out, new Random(seed));
        return new Dataset(out, validation);
    }

    /** The first {@code n} examples (all when there are fewer). */
    public Dataset head(int n) {
        return new Dataset(examples.subList(0, Math.min(n, examples.size())), validation);
    }

    /** These examples followed by {@code other}'s; the validation reports are merged. */
    public Dataset concat(Dataset other) {
        List<Example> out = new ArrayList<>(examples);
        out.addAll(other.examples);
        return new Dataset(out, ValidationReport.merge(List.of(validation, other.validation)));
    }

    public DatasetSplits split(Splitter splitter) {
        return splitter.split(this);
    }

    /** A seeded train/validation split: {@code validation} of the examples go to validation. */
    public DatasetSplits split(double validation, long seed) {
        return Splitter.builder().validation(validation).seed(seed).build().split(this);
    }

    public CleaningResult clean(Cleaner cleaner) {
        return cleaner.clean(this);
    }

    /**
     * Writes every example in {@code format} ({@code .json}: a JSON array; otherwise JSONL).
     * Fails with a {@link ConversionException} naming the first example the format cannot hold,
     * leaving {@code file} untouched.
     *
     * @return the number of rows written
     */
    public long write(Path file, DatasetFormat format) {
        DatasetWriter w = DatasetWriter.open(file, format);
        try {
            for (Example e : examples) {
                w.write(e);
            }
            w.close();
            return w.count();
        } finally {
            w.abort();
        }
    }

    Dataset withExamples(List<Example> newExamples) {
        return new Dataset(newExamples, validation);
    }

    @Override
    public String toString() {
        Map<DatasetFormat, Long> f = formats();
        return "Dataset[" + size() + " examples" + (f.isEmpty() ? "" : ": " + f.entrySet().stream()
                .map(e -> e.getKey().id() + " " + e.getValue()).collect(Collectors.joining(", "))) + "]";
    }
}
