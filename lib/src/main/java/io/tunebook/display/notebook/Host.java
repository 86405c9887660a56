package io.tunebook.display.notebook;

/**
 * The Jupyter kernel a notebook runs in, as tunebook's outputs reach it. Each kind of host kernel
 * ({@link JJavaHost}: the tunebook kernel and stock JJava; {@link BaseKernelHost}: IJava and other
 * kernels on jupyter-jvm-basekernel) implements it against its own renderer and display stream, so
 * {@link Notebook} never names a host's classes and runs where none is present.
 */
interface Host {
    /** The kernel object itself: renderers are registered once per kernel. */
    Object kernel();

    /** Teaches the kernel's renderer every tunebook view's MIME bundle (text/html, image/png, text/plain). */
    void registerRenderers();

    /** Renders {@code value} with the kernel's renderer and sends it as {@code display_data} under {@code displayId}. */
    void show(Object value, String displayId);

    /** Renders {@code value} and sends it as {@code update_display_data} for {@code displayId}. */
    void update(Object value, String displayId);
}
