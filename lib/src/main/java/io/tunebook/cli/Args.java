package io.tunebook.cli;

import ai.djl.Device;
import io.tunebook.model.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed arguments of one subcommand: positionals, {@code --name value} options and boolean
 * {@code --switch}es. Only the names a command declares are accepted.
 */
final class Args {
    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();

    private Args() {
    }

    /**
     * @param valued options that take a value
     * @param switches options that stand alone
     */
    static Args parse(String command, String[] argv, Set<String> valued, Set<String> switches) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--")) {
                String name = s.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (switches.contains(name) && value == null) {
                    a.options.put(name, "true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.length) {
                            throw new UsageException(command + ": --" + name + " needs a value");
                        }
                        value = argv[++i];
                    }
                    a.options.put(name, value);
                } else {
                    throw new UsageException(command + ": unknown option --" + name + " (see tunebook " + command
                            + " --help)");
                }
            } else {
                a.positionals.add(s);
            }
        }
        return a;
    }

    List<String> positionals() {
        return positionals;
    }

    String positional(String command, int index, String what) {
        if (index >= positionals.size()) {
            throw new UsageException(command + ": missing " + what + " (see tunebook " + command + " --help)");
        }
        return positionals.get(index);
    }

    void expectPositionals(String command, int n) {
        if (positionals.size() > n) {
            throw new UsageException(command + ": unexpected argument '" + positionals.get(n) + "'");
        }
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    /** A comma-separated list of positive integers, or {@code fallback} when the option is absent. */
    List<Integer> getPositiveInts(String name, List<Integer> fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        List<Integer> out = new java.util.ArrayList<>();
        for (String part : v.split(",")) {
            try {
                int n = Integer.parseInt(part.strip());
                if (n < 1) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be positive integers separated by commas, got '" + v + "'");
            }
        }
        return out;
    }

    double getDouble(String name, double fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    /** The help line of {@code --dtype}, for every command that loads a model. */
    static final String DTYPE_HELP = "--dtype float32 (default) | float16 | bfloat16 | auto holds the weights in 16 bits"
            + " (half the memory).";

    /**
     * {@code --dtype} as load options: float32 by default for the inference commands, so their
     * logits are transformers' {@code from_pretrained} defaults exactly; float16, bfloat16 or auto
     * hold the weights in 16 bits (half the memory, logits moved only by the weights' rounding);
     * {@code --device} places them.
     */
    LoadOptions loadOptions(String command) {
        Device device = DeviceOption.fromFlag(command, this);
        try {
            return LoadOptions.builder().dtype(get("dtype", "float32")).device(device).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": --" + e.getMessage());
        }
    }

    static Path existingDirectory(String command, String value) {
        Path p = Path.of(value);
        if (!Files.isDirectory(p)) {
            throw new UsageException(command + ": model directory '" + value + "' " + (Files.exists(p)
                    ? "is not a directory" : "does not exist"));
        }
        return p;
    }

    static Path existingPath(String command, String value) {
        Path p = Path.of(value);
        if (!Files.exists(p)) {
            throw new UsageException(command + ": '" + value + "' does not exist");
        }
        return p;
    }

    static Path existingFile(String command, String value) {
        Path p = Path.of(value);
        if (!Files.isRegularFile(p)) {
            throw new UsageException(command + ": file '" + value + "' " + notAFile(p));
        }
        return p;
    }

    /** Why {@code p} is no regular file: missing, a directory, or a special file (FIFO, device, socket). */
    static String notAFile(Path p) {
        if (Files.isDirectory(p)) {
            return "is a directory, not a file";
        }
        return Files.exists(p) ? "is a special file (a FIFO, a device or a socket), not a regular file"
                : "does not exist";
    }
}
