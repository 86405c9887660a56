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
 * <p>This is the first stage of the pipeline: it depends on no other tunebook package. Token
 * counts come in through {@link io.tunebook.data.TokenCounter}, which a caller backs with a real
 * tokenizer.
 */
package io.tunebook.data;
