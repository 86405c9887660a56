/**
 * Training: the {@link io.tunebook.train.Trainer} (AdamW, schedules, gradient accumulation and
 * clipping, evaluation, checkpoints and resume, early stopping), the causal-LM loss, and training
 * data: {@link io.tunebook.train.TokenWindows} for pretraining text and
 * {@link io.tunebook.train.SftBatching} for supervised fine-tuning, which packs tokenized examples
 * without attention across them, groups them by length, or pads them; preference tuning (DPO and
 * its IPO and hinge variants, ORPO: {@link io.tunebook.train.PreferenceLoss} on
 * {@link io.tunebook.train.PreferenceData} batches, {@code Trainer.Builder.preference}); and
 * hyperparameter search.
 *
 * <pre>{@code
 * SftBatching batching = SftBatching.builder().batchSize(args.perDeviceTrainBatchSize())
 *         .maxSeqLength(args.maxSeqLength()).padId(SftBatching.padIdOf(tokenizer)).seed(args.seed()).build();
 * try (Trainer trainer = Trainer.builder().model(lora).arguments(args)
 *         .trainData(batching.trainingData(train.examples()))
 *         .evalData(batching.epoch(validation.examples()))
 *         .outputDir(Path.of("runs/support")).build()) {
 *     trainer.train();
 * }
 * }</pre>
 */
package io.tunebook.train;
