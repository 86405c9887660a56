package io.tunebook.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/** The process Jupyter starts: {@code java ... io.tunebook.kernel.KernelMain CONNECTION_FILE}. */
public final class KernelMain {
    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KernelMain CONNECTION_FILE (Jupyter passes it; see tunebook kernel install)");
            System.exit(2);
        }
        System.setProperty("ai.djl.offline", "true");
        Path connectionFile = Path.of(args[0]);
        if (!Files.isRegularFile(connectionFile)) {
            System.err.println("tunebook kernel: connection file " + connectionFile + " does not exist");
            System.exit(2);
        }
        KernelConnectionProperties properties = KernelConnectionProperties.parse(Files.readString(connectionFile));
        TunebookKernel kernel = TunebookKernel.builder().build();
        kernel.onStartup();
        JupyterConnection connection = new JupyterConnection(properties);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        // Engine threads (DJL, JShell) must not keep a kernel alive after Jupyter shut it down.
        System.exit(0);
    }
}
