package io.tunebook.kernel;

import io.tunebook.display.Displayable;
import java.util.Map;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * Renders every {@link Displayable} with all the MIME types of its bundle. A JJava
 * {@link Extension} found through {@code ServiceLoader}: the tunebook kernel installs it at start,
 * and so does a stock JJava kernel that has tunebook on its class path.
 */
public final class DisplayableExtension implements Extension {
    @Override
    public void install(BaseKernel kernel) {
        kernel.getRenderer().createRegistration(Displayable.class)
                .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
                .register((value, context) -> {
                    for (Map.Entry<String, String> e : value.mimeBundle().data().entrySet()) {
                        context.getOutputContainer().putData(e.getKey(), e.getValue());
                    }
                });
    }
}
