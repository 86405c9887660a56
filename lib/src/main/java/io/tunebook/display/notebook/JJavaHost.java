package io.tunebook.display.notebook;

import io.tunebook.display.Views;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * A kernel built on JJava's {@code BaseKernel}: the tunebook kernel and a stock JJava kernel. Compiled
 * against jjava-jupyter as a provided dependency: loaded only once {@link Notebook} has seen that
 * JJava's classes are there.
 */
final class JJavaHost implements Host {
    static final String KERNEL_CLASS = "org.dflib.jjava.jupyter.kernel.BaseKernel";

    private final BaseKernel kernel;

    JJavaHost(Object kernel) {
        this.kernel = (BaseKernel) kernel;
    }

    /** The kernel running this notebook, or null outside one. */
    static Host current() {
        try {
            return new JJavaHost(BaseKernel.notebookKernel());
        } catch (NullPointerException e) {
            return null; // JJava's way of saying that no kernel runs (Objects.requireNonNull)
        }
    }

    @Override
    public Object kernel() {
        return kernel;
    }

    @Override
    public void registerRenderers() {
        for (Class<?> type : Views.TYPES) {
            kernel.getRenderer().createRegistration(type)
                    .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
                    .register((value, context) -> Notebook.bundleOf(value).data().forEach(context.getOutputContainer()::putData));
        }
    }

    @Override
    public void show(Object value, String displayId) {
        kernel.display(rendered(value, displayId));
    }

    @Override
    public void update(Object value, String displayId) {
        kernel.getIO().display.updateDisplay(rendered(value, displayId));
    }

    private DisplayData rendered(Object value, String displayId) {
        DisplayData data = kernel.getRenderer().render(value);
        data.setDisplayId(displayId);
        return data;
    }
}
