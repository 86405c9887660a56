package io.tunebook.examples;

import io.tunebook.data.ChatFormatter;
import io.tunebook.data.Cleaner;
import io.tunebook.data.CleaningResult;
import io.tunebook.data.Dataset;
import io.tunebook.data.DatasetFormat;
import io.tunebook.data.DatasetSplits;
import io.tunebook.data.Datasets;
import io.tunebook.data.PiiAction;
import io.tunebook.data.Splitter;
import io.tunebook.data.TokenizedDataset;
import io.tunebook.data.Truncation;
import io.tunebook.data.ValidationReport;
import io.tunebook.model.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;

/** The examples of {@code io.tunebook.data}'s Javadoc, compiled; free names of a snippet are parameters. */
final class DataExamples {
    private DataExamples() {
    }

    static void datasetLoader(Tokenizer tokenizer) {
        // snippet: data/DatasetLoader.java
        Dataset train = Datasets.from("train.jsonl", "extra.json")
                .lenient()
                .maxTokens(2048, text -> tokenizer.encode(text, false).length)
                .load();
        System.out.println(train.validation());
        // end snippet
    }

    static void packageInfo(DatasetSplits splits) {
        // snippet: data/package-info.java
        Tokenizer tokenizer = Tokenizer.load(Path.of("models/tiny-base"));            // a TextEncoder
        ChatFormatter formatter = ChatFormatter.builder(tokenizer)                    // the model's template
                .maxSeqLength(512).truncation(Truncation.TRUNCATE_RIGHT).build();
        TokenizedDataset train = formatter.tokenize(splits.train());
        System.out.println(train.report());     // kept, truncated, dropped (with sources), tokens learnt
        // then io.tunebook.train.SftBatching turns train.examples() into batches
        // end snippet
    }

    static void chatFormatter(Tokenizer tokenizer, DatasetSplits splits) {
        // snippet: data/ChatFormatter.java
        ChatFormatter formatter = ChatFormatter.builder(tokenizer)   // io.tunebook.model.Tokenizer
                .maxSeqLength(512).truncation(Truncation.TRUNCATE_RIGHT).build();
        TokenizedDataset train = formatter.tokenize(splits.train());
        System.out.println(train.report());
        // end snippet
    }

    static void dataset() throws IOException {
        // snippet: data/Dataset.java
        Dataset data = Datasets.load("support.jsonl");
        CleaningResult cleaned = data.clean(Cleaner.builder().build());
        DatasetSplits splits = cleaned.dataset().split(Splitter.builder().validation(0.1).seed(42).build());
        splits.train().write(Path.of("train.jsonl"), DatasetFormat.OPENAI);
        // end snippet
    }

    static void cleaner(Dataset dataset, Tokenizer tokenizer) {
        // snippet: data/Cleaner.java
        CleaningResult r = Cleaner.builder()
                .nearDuplicateThreshold(0.85)
                .maxTokens(2048).tokenCounter(text -> tokenizer.encode(text, false).length)
                .emails(PiiAction.FLAG)
                .build()
                .clean(dataset);
        System.out.println(r.report());
        // end snippet
    }

    static DatasetSplits splitter(Dataset dataset) {
        // snippet: data/Splitter.java
        DatasetSplits s = Splitter.builder().validation(0.1).test(0.1).stratifyBy("category").seed(7).build()
                .split(dataset);
        // end snippet
        return s;
    }

    static void datasets() {
        // snippet: data/Datasets.java
        Dataset data = Datasets.load("train.jsonl");
        ValidationReport report = Datasets.from("big.jsonl").validate();
        Dataset mixed = Datasets.mix().add("general.jsonl", 1.0).add("domain.jsonl", 3.0).seed(42).load();
        // end snippet
    }
}
