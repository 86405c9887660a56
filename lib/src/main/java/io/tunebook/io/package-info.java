/**
 * Files written all at once: {@link io.tunebook.io.AtomicFile} and {@link io.tunebook.io.AtomicDirectory}
 * replace a file or a directory so that readers and crashes see the old one or the complete new one.
 *
 * <p>Below every stage, at the far left of the pipeline ({@code io} → {@code data} → {@code model} → ...):
 * every stage may use it, and it imports no other tunebook package.
 */
package io.tunebook.io;
