package io.tunebook.kernel;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code tunebook kernel install [--user] [--prefix DIR] [--name NAME] [--display-name TEXT]}. It
 * lives here rather than among {@code lib}'s commands because it installs this module's jar, which
 * {@code lib} cannot depend on; {@code bin/tunebook} sends {@code kernel} here.
 */
public final class KernelCommandLine {
    static final String HELP = """
            usage: tunebook kernel install [--user] [--prefix DIR] [--name NAME] [--display-name TEXT]

            Writes a Jupyter kernelspec that starts the tunebook Java kernel (JShell, with tunebook on its
            class path) from any directory. Paths in it point at this build: rebuild, then reinstall.
              --user               for this user: $JUPYTER_DATA_DIR/kernels or ~/.local/share/jupyter/kernels
              --prefix DIR         under DIR/share/jupyter/kernels (a virtual environment; JUPYTER_PATH=DIR/share/jupyter)
              (neither)            system-wide: /usr/local/share/jupyter/kernels
              --name NAME          kernel name, as in jupyter --kernel NAME (default tunebook)
              --display-name TEXT  name shown in the notebook's kernel menu (default "Java (tunebook)")""";

    private KernelCommandLine() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || !args[0].equals("install") || hasHelp(args)) {
            System.out.println(HELP);
            return args.length > 0 && hasHelp(args) ? 0 : 2;
        }
        boolean user = false;
        Path prefix = null;
        String name = "tunebook";
        String displayName = "Java (tunebook)";
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--user")) {
                user = true;
                continue;
            }
            if (!option.equals("--prefix") && !option.equals("--name") && !option.equals("--display-name")) {
                System.err.println("tunebook kernel install: unknown argument '" + option + "' (see --help)");
                return 2;
            }
            if (i + 1 >= args.length) {
                System.err.println("tunebook kernel install: " + option + " needs a value");
                return 2;
            }
            String value = args[++i];
            switch (option) {
                case "--prefix" -> prefix = Path.of(value);
                case "--name" -> name = value;
                default -> displayName = value;
            }
        }
        try {
            Path kernels = KernelInstaller.kernelsDirectory(user, prefix, System.getenv(),
                    Path.of(System.getProperty("user.home")));
            Path dir = KernelInstaller.install(kernels, name, KernelSpec.current(displayName));
            System.out.println("installed kernel '" + name + "' in " + dir);
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("tunebook kernel install: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("tunebook kernel install: cannot write the kernelspec: " + e);
            return 1;
        }
    }

    private static boolean hasHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }
}
