package io.tunebook.cli;

import io.tunebook.model.ModelException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

/** The {@code tunebook} command line: {@code tunebook COMMAND [ARGS] [--help]}. */
public final class Main {
    private static final List<Command> COMMANDS = List.of(
            new InfoCommand(), new ScoreCommand(), new GenerateCommand(), new TrainCommand(), new BenchCommand(),
            new DataCommand(), new ServeCommand(), new EstimateCommand(), new EvalCommand(), new AbCommand(), new ExportCommand(),
            new VerifyCommand());

    private Main() {
    }

    public static void main(String[] argv) {
        System.setProperty("ai.djl.offline", "true");
        Shutdown.install();
        int code;
        try {
            code = run(argv);
        } finally {
            // After a signal, the JVM exits with the signal's status once the hook sees this.
            Shutdown.finished();
        }
        if (Shutdown.requested()) {
            // The JVM is already exiting on the signal, with its status (143 or 130); a second exit here would
            // race it, and now and then win with the command's own code.
            return;
        }
        System.exit(code);
    }

    static int run(String[] argv) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            System.out.println(usage());
            return argv.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(argv[0])).findFirst().orElse(null);
        if (command == null) {
            System.err.println("tunebook: unknown command '" + argv[0] + "' (try tunebook --help)");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            System.out.println(command.help());
            return 0;
        }
        try {
            return command.run(rest);
        } catch (CancellationException e) {
            System.err.println("tunebook " + command.name() + ": stopped" + (e.getMessage() == null ? ""
                    : ": " + e.getMessage()));
            return 130;
        } catch (UsageException e) {
            System.err.println("tunebook " + e.getMessage());
            return 2;
        } catch (ModelException | UncheckedIOException | IllegalArgumentException
                | io.tunebook.plan.HostMemory.InsufficientMemoryException e) {
            System.err.println("tunebook " + command.name() + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("tunebook " + command.name() + ": " + e);
            return 1;
        }
    }

    private static String usage() {
        StringBuilder b = new StringBuilder("usage: tunebook COMMAND [ARGS]  (tunebook COMMAND --help for details)\n\n");
        for (Command c : COMMANDS) {
            b.append(String.format("  %-9s %s%n", c.name(), c.summary()));
        }
        return b.toString().stripTrailing();
    }
}
