/**
 * Reading and writing the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, and opening the weights of a whole Hugging Face model directory.
 *
 * <p>A safetensors file is an 8-byte little-endian header length {@code N}, {@code N} bytes of
 * UTF-8 JSON describing each tensor (dtype, shape, byte range), then the raw little-endian tensor
 * data. {@link io.tunebook.model.safetensors.SafetensorsFile#open} validates the whole header
 * against the file before anything is sized from it, so a truncated or hostile file fails with a
 * {@link io.tunebook.model.safetensors.SafetensorsException} naming the file and the tensor instead
 * of allocating gigabytes or reading garbage.
 *
 * <p>Limits:
 * <ul>
 *   <li>the JSON header may be at most {@value
 *       io.tunebook.model.safetensors.SafetensorsFile#MAX_HEADER_BYTES} bytes, the limit of
 *       Hugging Face's own reader;
 *   <li>files and offsets are 64-bit: files larger than 2 GiB are fine;
 *   <li>one {@code ByteBuffer} holds at most {@link Integer#MAX_VALUE} bytes, so
 *       {@code readRaw} reads tensors of up to 2 GiB - 1 bytes and {@code readFloat32} tensors of
 *       up to 536,870,911 elements; larger tensors fail with a message saying so.
 * </ul>
 *
 * <p>Pickle weight files ({@code pytorch_model.bin}, {@code *.pt}, {@code *.pth}) are never read:
 * unpickling runs arbitrary code.
 */
package io.tunebook.model.safetensors;
