/**
 * Fine-tuning datasets: reading JSONL and JSON arrays in the common formats (Alpaca, ShareGPT,
 * OpenAI {@code messages}, {@code input}/{@code output}, {@code prompt}/{@code completion},
 * preference pairs) into one conversation model, validating them row by row with reports that
 * name file, line and field, cleaning (normalisation, exact and near-duplicate removal, length
 * filters, e-mail and phone flags), seeded splits, and writing any format back.
 *
 * <p>Entry points: {@link io.tunebook.data.Datasets#load Datasets.load(path)},
 * {@link io.tunebook.data.Datasets#from Datasets.from(paths)} (options, then {@code load()},
 * {@code validate()} or {@code convert()}), {@link io.tunebook.data.Datasets#mix Datasets.mix()},
 * {@link io.tunebook.data.Cleaner}, {@link io.tunebook.data.Splitter}.
 *
 * <p>Supervised fine-tuning data: {@link io.tunebook.data.ChatTemplate} renders a conversation with
 * the model's Jinja {@code chat_template} (or a built-in one: chatml, llama3, mistral, alpaca) as
 * transformers does; {@link io.tunebook.data.ChatFormatter} tokenizes examples through a
 * {@link io.tunebook.data.TextEncoder} into {@link io.tunebook.data.TokenizedExample}s whose labels
 * cover the assistant turns only (or every token), cuts or drops over-long ones by an explicit
 * {@link io.tunebook.data.Truncation} and reports what it did:
 *
 * <pre>{@code
 * Tokenizer tokenizer = Tokenizer.load(Path.of("models/tiny-base"));            // a TextEncoder
 * ChatFormatter formatter = ChatFormatter.builder(tokenizer)                    // the model's template
 *         .maxSeqLength(512).truncation(Truncation.TRUNCATE_RIGHT).build();
 * TokenizedDataset train = formatter.tokenize(splits.train());
 * System.out.println(train.report());     // kept, truncated, dropped (with sources), tokens learnt
 * // then io.tunebook.train.SftBatching turns train.examples() into batches
 * }</pre>
 *
 * <p>This is the first stage of the pipeline: it depends on no other tunebook package but {@code io}, below
 * every stage. Token counts come in through {@link io.tunebook.data.TokenCounter} and tokens through
 * {@link io.tunebook.data.TextEncoder}, which a caller backs with a real tokenizer.
 */
package io.tunebook.data;
