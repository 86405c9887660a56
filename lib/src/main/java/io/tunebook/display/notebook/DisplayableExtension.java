package io.tunebook.display.notebook;

import io.tunebook.display.Displayable;
import io.tunebook.display.Views;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;

/**
 * Renders every {@link Displayable}, and every pipeline type that has a view in {@link Views}
 * (datasets, statistics, reports, LoRA models, runs, searches), with all the MIME types of its bundle. A JJava
 * {@link Extension} found through {@code ServiceLoader}: the tunebook kernel installs it at start, and a stock
 * JJava kernel when {@code %jars} adds a jar that carries tunebook ({@code tunebook-all.jar}), so in JJava no
 * call is needed.
 */
public final class DisplayableExtension implements Extension {
    @Override
    public void install(BaseKernel kernel) {
        Notebook.register(new JJavaHost(kernel));
    }
}
