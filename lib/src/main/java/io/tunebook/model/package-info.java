/** Loading and running Hugging Face causal language models on DJL's PyTorch engine. */
package io.tunebook.model;
