/**
 * The notebook API and its Java kernel hosts: {@link io.tunebook.display.notebook.Notebook#display},
 * {@link io.tunebook.display.notebook.Notebook#updateDisplay} and
 * {@link io.tunebook.display.notebook.Notebook#train} (a live training view redrawn in place), and the
 * registration of tunebook's views with the host kernel's renderer, so cell values render as html/png.
 *
 * <p>Hosts: kernels on JJava's {@code BaseKernel} (the tunebook kernel, stock JJava: automatic through
 * {@link io.tunebook.display.notebook.DisplayableExtension}) and on jupyter-jvm-basekernel 2.x (IJava 1.3:
 * one {@code Notebook.install()}). Both are compiled against as provided dependencies, never shaded into
 * {@code tunebook-all.jar}: the host kernel brings its own, and each adapter class is loaded only after its
 * host's classes were found by name, so the library runs (command line, tests) without either.
 */
package io.tunebook.display.notebook;
