package io.tunebook.kernel;

import io.tunebook.display.Displayable;
import io.tunebook.display.MimeBundle;
import io.tunebook.display.Views;
import java.util.Map;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * Renders every {@link Displayable}, and every pipeline type that has a view in {@link Views}
 * (datasets, statistics, reports, LoRA models, runs, searches), with all the MIME types of its bundle. A JJava
 * {@link Extension} found through {@code ServiceLoader}: the tunebook kernel installs it at start,
 * and so does a stock JJava kernel that has tunebook on its class path.
 */
public final class DisplayableExtension implements Extension {
    @Override
    public void install(BaseKernel kernel) {
        for (Class<?> type : Views.TYPES) {
            register(kernel, type);
        }
    }

    private static <T> void register(BaseKernel kernel, Class<T> type) {
        kernel.getRenderer().createRegistration(type)
                .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
                .register((value, context) -> {
                    MimeBundle bundle = Views.of(value).orElseThrow().mimeBundle();
                    for (Map.Entry<String, String> e : bundle.data().entrySet()) {
                        context.getOutputContainer().putData(e.getKey(), e.getValue());
                    }
                });
    }
}
