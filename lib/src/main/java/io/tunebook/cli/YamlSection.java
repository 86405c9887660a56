package io.tunebook.cli;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.IntConsumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One mapping of a YAML run config, read key by key. Keys the command never asked for are errors
 * that name their full path, so a typo never silently falls back to a default.
 */
final class YamlSection {
    private final String file;
    private final String path;
    private Map<String, Object> values;
    private final Set<String> read = new LinkedHashSet<>();
    private final Map<String, Object> resolved = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    YamlSection(String file, String path, Object node) {
        this.file = file;
        this.path = path;
        if (node != null && !(node instanceof Map)) {
            throw new UsageException(file + ": '" + path + "' must be a mapping of keys");
        }
        if (node != null) {
            for (Object key : ((Map<?, ?>) node).keySet()) {
                if (!(key instanceof String)) {
                    throw new UsageException(file + ": " + (path.isEmpty() ? "the top level" : "'" + path + "'")
                            + " has a key that is not a name: " + (key == null ? "an empty key" : kind(key)));
                }
            }
        }
        this.values = node == null ? Map.of() : (Map<String, Object>) node;
    }

    /**
     * The root section of a run config file.
     *
     * @throws UsageException naming the command and the file when it is not valid YAML
     */
    static YamlSection load(String command, Path configFile) throws IOException {
        Object tree;
        String text = Files.readString(configFile);
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(50);
            options.setCodePointLimit(MAX_CHARACTERS);
            Node root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
            if (root != null) {
                refuseDuplicates(configFile.toString(), root, "");
            }
            tree = new Yaml(new SafeConstructor(options)).load(text);
        } catch (UsageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UsageException(command + ": " + configFile + " is not valid YAML: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        return new YamlSection(configFile.toString(), "", tree);
    }

    /** Largest run config read, in characters. */
    static final int MAX_CHARACTERS = 1 << 20;

    /** A key twice in one mapping is an error naming {@code file: section.key} (YAML parsers keep either). */
    private static void refuseDuplicates(String file, Node node, String path) {
        if (node instanceof MappingNode m) {
            Set<String> seen = new LinkedHashSet<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(t.getKeyNode());
                String where = path.isEmpty() ? key : path + "." + key;
                if (!seen.add(key)) {
                    throw new UsageException(file + ": " + where + " is given twice (line "
                            + (t.getKeyNode().getStartMark().getLine() + 1) + ")");
                }
                refuseDuplicates(file, t.getValueNode(), where);
            }
        } else if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                refuseDuplicates(file, items.get(i), path + "[" + i + "]");
            }
        }
    }

    /**
     * Reads each {@code alias} (today's Axolotl-like spelling) as its {@code name} (the Hugging Face / PEFT one):
     * {@code pairs} is name, alias, name, alias... A section that holds both spellings of one setting is an error
     * naming both keys. The resolved view records the setting under its name.
     */
    YamlSection aliases(String... pairs) {
        Map<String, String> nameOf = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            nameOf.put(pairs[i + 1], pairs[i]);
            if (values.containsKey(pairs[i]) && values.containsKey(pairs[i + 1])) {
                throw new UsageException(file + ": '" + where(pairs[i]) + "' and '" + where(pairs[i + 1])
                        + "' are one setting under two names: keep one");
            }
        }
        Map<String, Object> renamed = new LinkedHashMap<>();
        values.forEach((key, value) -> renamed.put(nameOf.getOrDefault(key, key), value));
        values = renamed;
        return this;
    }

    /** Calls {@code set} with the integer under {@code key} only when the file gives one: the builder has the default. */
    void ifInteger(String key, IntConsumer set) {
        if (values.get(key) != null) {
            set.accept(integer(key, 0));
        }
        read.add(key);
    }

    /** As {@link #ifInteger}, for a number. */
    void ifNumber(String key, DoubleConsumer set) {
        if (values.get(key) != null) {
            set.accept(number(key, 0));
        }
        read.add(key);
    }

    /** As {@link #ifInteger}, for true or false. */
    void ifBool(String key, Consumer<Boolean> set) {
        if (values.get(key) != null) {
            set.accept(bool(key, false));
        }
        read.add(key);
    }

    /** As {@link #ifInteger}, for a string. */
    void ifString(String key, Consumer<String> set) {
        if (values.get(key) != null) {
            set.accept(string(key, null));
        }
        read.add(key);
    }

    private String where(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    YamlSection section(String key) {
        read.add(key);
        YamlSection s = new YamlSection(file, where(key), values.get(key));
        resolved.put(key, s.resolved);
        return s;
    }

    String string(String key, String fallback) {
        read.add(key);
        Object v = values.get(key);
        if (v != null && !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            throw new UsageException(file + ": '" + where(key) + "' must be a string, got " + kind(v));
        }
        String out = v == null ? fallback : v.toString();
        if (out != null) {
            resolved.put(key, out);
        }
        return out;
    }

    String requiredString(String key) {
        String v = string(key, null);
        if (v == null) {
            throw new UsageException(file + ": missing key '" + where(key) + "'");
        }
        return v;
    }

    /** What a YAML value is, for errors: its type, never a Java object's identity. */
    private static String kind(Object v) {
        if (v == null) {
            return "nothing (an empty value)";
        }
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof byte[]) {
            return "binary data (!!binary)";
        }
        if (v instanceof java.util.Date) {
            return "a timestamp";
        }
        return "a " + v.getClass().getSimpleName();
    }

    int integer(String key, int fallback) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            resolved.put(key, fallback);
            return fallback;
        }
        if (!(v instanceof Integer)) {
            throw new UsageException(file + ": '" + where(key) + "' must be an integer, got "
                    + (v instanceof String || v instanceof Number || v instanceof Boolean ? "'" + v + "'" : kind(v)));
        }
        resolved.put(key, v);
        return (Integer) v;
    }

    double number(String key, double fallback) {
        read.add(key);
        Object v = values.get(key);
        double out;
        if (v == null) {
            out = fallback;
        } else if (v instanceof Number) {
            out = ((Number) v).doubleValue();
        } else if (!(v instanceof String)) {
            throw new UsageException(file + ": '" + where(key) + "' must be a number, got " + kind(v));
        } else {
            // YAML 1.1 reads "2e-4" as a string; accept any decimal notation.
            try {
                out = Double.parseDouble(v.toString());
            } catch (NumberFormatException e) {
                throw new UsageException(file + ": '" + where(key) + "' must be a number, got '" + v + "'");
            }
        }
        resolved.put(key, out);
        return out;
    }

    boolean bool(String key, boolean fallback) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            resolved.put(key, fallback);
            return fallback;
        }
        if (!(v instanceof Boolean)) {
            throw new UsageException(file + ": '" + where(key) + "' must be true or false, got "
                    + (v instanceof String || v instanceof Number ? "'" + v + "'" : kind(v)));
        }
        resolved.put(key, v);
        return (Boolean) v;
    }

    /** A list of strings; a single string counts as a list of one. Empty when absent. */
    List<String> strings(String key) {
        return list(key, String.class, "strings");
    }

    /** A list of integers; empty when absent. */
    List<Integer> integers(String key) {
        return list(key, Integer.class, "integers");
    }

    /** A list of mappings, each read as a section named by its place ({@code candidates[1]}); empty when absent. */
    List<YamlSection> sections(String key) {
        List<YamlSection> out = new ArrayList<>();
        List<Object> resolvedItems = new ArrayList<>();
        for (Object item : list(key, Map.class, "mappings")) {
            YamlSection s = new YamlSection(file, where(key) + "[" + out.size() + "]", item);
            out.add(s);
            resolvedItems.add(s.resolved);
        }
        resolved.put(key, resolvedItems);
        return out;
    }

    /** The raw value (a string, a list...), for keys whose shape selects a meaning; null when absent. */
    Object raw(String key) {
        read.add(key);
        Object v = values.get(key);
        if (v != null) {
            resolved.put(key, v);
        }
        return v;
    }

    private <T> List<T> list(String key, Class<T> type, String what) {
        read.add(key);
        Object v = values.get(key);
        List<?> items = v == null ? List.of() : v instanceof List ? (List<?>) v : List.of(v);
        List<T> out = new ArrayList<>();
        for (Object item : items) {
            if (!type.isInstance(item)) {
                throw new UsageException(file + ": '" + where(key) + "' must be a list of " + what + ", got "
                        + (item instanceof String || item instanceof Number || item instanceof Boolean ? "'" + item + "'"
                                : kind(item)));
            }
            out.add(type.cast(item));
        }
        resolved.put(key, out);
        return out;
    }

    /**
     * Replaces a value in the resolved view: command-line overrides, and the value a builder's default gave a key
     * the file left out.
     */
    void override(String key, Object value) {
        resolved.put(key, value);
    }

    /** Fails on any key that was not read, naming it; call after reading every key of the section. */
    void finish() {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                throw new UsageException(file + ": unknown key '" + where(key) + "'");
            }
        }
    }

    /** The settings as used, with defaults filled in, for the run directory's resolved config. */
    Map<String, Object> resolved() {
        return resolved;
    }
}
