/**
 * Quantized frozen base weights for QLoRA: NF4 and FP4 (4-bit) and 8-bit absmax codes in blocks of
 * 64 weights, with the block scales optionally quantized again (double quantization), as
 * bitsandbytes stores them. Linear layers dequantize on the fly in the forward pass; adapters
 * trained on top stay in full precision. Depends on {@code model} only.
 *
 * <p>Memory, as measured by {@code tunebook bench --methods full,lora,qlora} (figures in
 * {@code bench/README.md}): a quantized base takes 0.516 bytes per quantized weight at rest, but a
 * QLoRA training step holds one float32 copy of every quantized layer from its forward to the
 * backward. bitsandbytes avoids that with a custom autograd function that dequantizes again in the
 * backward; DJL cannot express one, and the input gradient needs the weight, so the step's peak
 * carries the dense projections back (inference holds one layer's copy at a time). Float16
 * compute would halve that copy, but DJL converts dtypes with autograd off, so it serves inference
 * only. On glibc, each step's freshly dequantized weights also meet the allocator's dynamic mmap
 * threshold: freed copies stay in the heap and resident memory grows to a plateau above the live
 * peak; {@code MALLOC_MMAP_THRESHOLD_=131072} returns them at once, at the price of slower steps.
 *
 * <p>Paged optimizers ({@code paged_adamw_8bit}, {@code paged_adamw_32bit}) keep AdamW's moments in
 * CUDA unified memory that the driver evicts to CPU RAM when the GPU runs short, so a long batch
 * does not end the run with an out-of-memory error. On the CPU there is no accelerator memory to
 * page from: the moments already live in RAM, and tunebook's {@code AdamW} keeps them in float32
 * there. The planner ({@code plan.Optimizer}) models the paged and 8-bit variants for GPU
 * estimates, counting paged state as resident (the peak when nothing is evicted); no paged
 * optimizer is implemented.
 */
package io.tunebook.quant;
