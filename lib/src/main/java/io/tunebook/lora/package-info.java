/**
 * LoRA and DoRA adapters on a frozen {@link io.tunebook.model.CausalLM}, after PEFT: a
 * {@link io.tunebook.lora.LoraConfig} says which linear modules get an adapter, a
 * {@link io.tunebook.lora.LoraModel} injects them, hands their arrays to a trainer, merges, swaps
 * and saves them in PEFT's layout ({@code adapter_config.json} + {@code adapter_model.safetensors}).
 *
 * <p>Depends on {@code data} and {@code model} only.
 */
package io.tunebook.lora;
