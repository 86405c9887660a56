/**
 * Evaluation: metrics computed as the reference libraries compute them, so that scores can be
 * compared with published ones, and checks run with the model itself.
 *
 * <ul>
 * <li>{@link io.tunebook.eval.Bleu}: corpus and sentence BLEU as sacrebleu 2.x (13a tokenizer,
 * closest-reference brevity penalty, smoothing, signature).</li>
 * <li>{@link io.tunebook.eval.Rouge}: ROUGE-1/2/L/Lsum as Google's rouge-score, with NLTK's
 * {@link io.tunebook.eval.PorterStemmer}; a Unicode tokenizer for French.</li>
 * <li>{@link io.tunebook.eval.ExactMatch}, {@link io.tunebook.eval.JsonMatch} (validity,
 * {@link io.tunebook.eval.JsonSchema} conformance, exact and per-field match of structured
 * outputs), {@link io.tunebook.eval.LengthStats}.</li>
 * <li>{@link io.tunebook.eval.Perplexity}: token-weighted, over completion tokens only.</li>
 * <li>{@link io.tunebook.eval.MultipleChoice}: log-likelihood multiple-choice scoring in the style
 * of lm-evaluation-harness, the forgetting check of a fine-tuned model against its base.</li>
 * </ul>
 *
 * <p>{@link io.tunebook.eval.Evaluator} puts them together: several candidates (a base, adapters on
 * it, a merged model, an endpoint) answer a test split with the same decoding, every metric gets a
 * seeded paired-bootstrap 95% interval, differences are taken from a reference candidate, and an
 * optional LLM judge compares answers pairwise; {@link io.tunebook.eval.ab} lets a person do the
 * same, blind. After deployment, {@link io.tunebook.eval.monitor} measures a served model's latency
 * percentiles through its HTTP API and the drift of its traffic.
 *
 * <p>Results are plain records (with Tablesaw tables); {@code display} renders them. This stage
 * depends on {@code data}, {@code model}, {@code lora} and {@code train} only.
 */
package io.tunebook.eval;
