/**
 * Planning a fine-tuning run before paying for it: the memory a method needs ({@link
 * io.tunebook.plan.Estimate}), its GPU-hours and cost, whether to fine-tune at all ({@link
 * io.tunebook.plan.Decision}), and what fine-tuning and self-hosting cost a month against a hosted API
 * ({@link io.tunebook.plan.Tco}). Reads {@code model} (configs, parameter layouts) and {@code quant}
 * (bytes per quantized weight); like {@code display} and {@code cli} it sits at the side of the
 * pipeline, and no stage imports it.
 */
package io.tunebook.plan;
