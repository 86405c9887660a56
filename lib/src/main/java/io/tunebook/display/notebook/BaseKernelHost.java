package io.tunebook.display.notebook;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import io.tunebook.display.Views;
import java.lang.reflect.InvocationTargetException;

/**
 * A kernel built on jupyter-jvm-basekernel (2.x): IJava 1.3 and its kind. JJava is a fork of basekernel with
 * its packages renamed, so this is {@link JJavaHost}'s few calls again against the other package's types: the two
 * share no type that one adapter could be written against (reflection would lose the compiler's checks). Compiled against
 * basekernel as a provided dependency: loaded only once {@link Notebook} has seen its classes.
 */
final class BaseKernelHost implements Host {
    static final String KERNEL_CLASS = "io.github.spencerpark.jupyter.kernel.BaseKernel";
    /** IJava's entry point: {@code IJava.getKernelInstance()} is the kernel running the notebook. */
    static final String IJAVA_CLASS = "io.github.spencerpark.ijava.IJava";

    private final BaseKernel kernel;

    BaseKernelHost(Object kernel) {
        this.kernel = (BaseKernel) kernel;
    }

    /** IJava's running kernel, or null when IJava runs none. */
    static Host ijava(Class<?> entry) {
        try {
            Object kernel = entry.getMethod("getKernelInstance").invoke(null);
            return kernel instanceof BaseKernel ? new BaseKernelHost(kernel) : null;
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // not the IJava this adapter knows
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("IJava.getKernelInstance() failed: " + e.getCause(), e.getCause());
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
