/**
 * Tables, charts and MIME bundles for notebooks and consoles. At the side of the pipeline: it may
 * read every stage ({@code data}, {@code model}, {@code lora}, {@code train}, {@code eval}); no
 * stage imports it.
 */
package io.tunebook.display;
