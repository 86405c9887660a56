/**
 * Training: the {@link io.tunebook.train.Trainer} loop (AdamW, schedules, gradient accumulation and
 * clipping), the causal-LM loss, and batch sources: {@link io.tunebook.train.TokenWindows} for
 * pretraining text and {@link io.tunebook.train.SftBatching} for supervised fine-tuning, which packs
 * tokenized examples without attention across them, groups them by length, or pads them.
 *
 * <pre>{@code
 * SftBatching batching = SftBatching.builder().batchSize(8).maxSeqLength(512)
 *         .padId(SftBatching.padIdOf(tokenizer)).seed(42).build();
 * BatchSource trainBatches = batching.source(train.examples());       // endless, reshuffled per epoch
 * List<Batch> validationBatches = batching.epoch(validation.examples());
 * trainer.fit(trainBatches, validationBatches, callback);
 * }</pre>
 */
package io.tunebook.train;
