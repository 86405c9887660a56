package io.tunebook.lora;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a {@link LoraConfig} against a model's linear modules, with PEFT's rules: a listed name
 * matches a path equal to it or ending with it; {@code layers_to_transform} filters suffix matches by
 * decoder layer (a full path bypasses it, a regex is not filtered); modules trained in full never
 * also get an adapter. A name that matches nothing is an error that lists the model's modules.
 */
final class ModuleSelector {
    private static final Pattern LAYER = Pattern.compile("\\.layers\\.(\\d+)\\.");

    private final List<String> paths;
    private final int layers;

    /** @param paths every linear module path of the model, in model order */
    ModuleSelector(List<String> paths, int layers) {
        this.paths = List.copyOf(paths);
        this.layers = layers;
    }

    /** Module paths trained in full by {@code config}, in model order. */
    List<String> modulesToSave(LoraConfig config) {
        Set<String> out = new LinkedHashSet<>();
        for (String name : config.modulesToSave()) {
            List<String> hit = paths.stream().filter(p -> endsWithName(p, name)).toList();
            if (hit.isEmpty()) {
                throw new LoraException("modulesToSave: '" + name + "' matches no linear module; " + available());
            }
            out.addAll(hit);
        }
        return List.copyOf(out);
    }

    /** Module paths that get an adapter, in model order. */
    List<String> targets(LoraConfig config) {
        for (int layer : config.layersToTransform()) {
            if (layer >= layers) {
                throw new LoraException("layersToTransform: layer " + layer + " does not exist; the model has layers 0 to "
                        + (layers - 1));
            }
        }
        Set<String> saved = Set.copyOf(modulesToSave(config));
        TargetModules targets = resolve(config.targetModules());
        List<String> out = new ArrayList<>();
        for (String path : paths) {
            if (!saved.contains(path) && selected(targets, config.layersToTransform(), path)) {
                out.add(path);
            }
        }
        if (out.isEmpty()) {
            throw new LoraException("targetModules " + describe(config.targetModules())
                    + (config.layersToTransform().isEmpty() ? "" : " in layers " + config.layersToTransform())
                    + " selects no linear module; " + available());
        }
        return out;
    }

    /**
     * {@code all-linear} as the sorted names it stands for (what PEFT writes to {@code adapter_config.json});
     * listed names are checked to match some module.
     */
    TargetModules resolve(TargetModules targets) {
        if (targets instanceof TargetModules.AllLinear all) {
            Set<String> names = new TreeSet<>();
            paths.stream().filter(all::matches).forEach(p -> names.add(shortName(p)));
            return new TargetModules.Names(List.copyOf(names));
        }
        if (targets instanceof TargetModules.Names names) {
            for (String n : names.names()) {
                if (paths.stream().noneMatch(p -> endsWithName(p, n))) {
                    throw new LoraException("targetModules: '" + n + "' matches no linear module; " + available());
                }
            }
        }
        return targets;
    }

    private static boolean selected(TargetModules targets, List<Integer> layers, String path) {
        if (!(targets instanceof TargetModules.Names names)) {
            return targets.matches(path);
        }
        if (names.names().contains(path)) {
            return true;
        }
        if (!names.matches(path)) {
            return false;
        }
        if (layers.isEmpty()) {
            return true;
        }
        Matcher m = LAYER.matcher(path);
        return m.find() && layers.contains(Integer.parseInt(m.group(1)));
    }

    private static boolean endsWithName(String path, String name) {
        return path.equals(name) || path.endsWith("." + name);
    }

    private static String shortName(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static String describe(TargetModules t) {
        if (t instanceof TargetModules.Regex regex) {
            return "regex '" + regex.pattern() + "'";
        }
        return t instanceof TargetModules.Names names ? names.names().toString() : TargetModules.ALL_LINEAR;
    }

    private String available() {
        Set<String> names = new LinkedHashSet<>();
        paths.forEach(p -> names.add(shortName(p)));
        return "the model's linear modules are " + String.join(", ", names) + " (paths like " + paths.get(0) + ")";
    }
}
