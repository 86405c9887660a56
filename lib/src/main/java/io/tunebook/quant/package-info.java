/**
 * Quantized frozen base weights for QLoRA: NF4 and FP4 (4-bit) and 8-bit absmax codes in blocks of
 * 64 weights, with the block scales optionally quantized again (double quantization), as
 * bitsandbytes stores them. Linear layers dequantize on the fly in the forward pass; adapters
 * trained on top stay in full precision. Depends on {@code model} only.
 */
package io.tunebook.quant;
