package io.tunebook.display;

import ai.djl.ndarray.NDArray;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.lora.TargetModules;
import io.tunebook.lora.TrainableParameters;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A LoRA model at a glance: PEFT's trainable-parameter line, the adapter's settings, and where
 * the trainable parameters are (per module kind: {@code q_proj}, {@code v_proj}, ...), so a class
 * sees what {@code r} and {@code targetModules} cost.
 */
public final class LoraView implements Displayable {
    private final String adapter;
    private final LoraConfig config;
    private final TrainableParameters counts;
    private final Map<String, Long> perModule;

    private LoraView(String adapter, LoraConfig config, TrainableParameters counts, Map<String, Long> perModule) {
        this.adapter = adapter;
        this.config = config;
        this.counts = counts;
        this.perModule = perModule;
    }

    public static LoraView of(LoraModel model) {
        String adapter = model.activeAdapter();
        Map<String, Long> perModule = new TreeMap<>();
        for (Map.Entry<String, NDArray> e : model.trainableParameters().entrySet()) {
            perModule.merge(moduleKind(e.getKey()), e.getValue().size(), Long::sum);
        }
        return new LoraView(adapter, model.adapters().get(adapter), model.parameterCounts(), perModule);
    }

    /** {@code ...layers.3.self_attn.q_proj.lora_A.default.weight} → {@code q_proj}: the segment before the adapter part. */
    static String moduleKind(String name) {
        String[] parts = name.split("\\.");
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].startsWith("lora_") || parts[i].equals("modules_to_save") || parts[i].equals("base_layer")) {
                return parts[i - 1];
            }
        }
        return parts.length >= 2 ? parts[parts.length - 2] : name;
    }

    public Table settings() {
        StringColumn key = StringColumn.create("setting");
        StringColumn value = StringColumn.create("value");
        add(key, value, "adapter", adapter);
        add(key, value, "r", Integer.toString(config.r()));
        add(key, value, "alpha", trim(config.alpha()));
        add(key, value, "scaling", trim(config.scaling()) + (config.useRslora() ? " (alpha/√r, rsLoRA)" : " (alpha/r)"));
        add(key, value, "dropout", trim(config.dropout()));
        add(key, value, "target modules", targets(config.targetModules()));
        add(key, value, "bias", config.bias().name().toLowerCase());
        add(key, value, "DoRA", config.useDora() ? "yes" : "no");
        add(key, value, "init", config.initLoraWeights().name().toLowerCase());
        if (!config.modulesToSave().isEmpty()) {
            add(key, value, "modules to save", String.join(", ", config.modulesToSave()));
        }
        if (!config.layersToTransform().isEmpty()) {
            add(key, value, "layers", config.layersToTransform().toString());
        }
        return Table.create("LoRA configuration", key, value);
    }

    public Table parametersByModule() {
        StringColumn module = StringColumn.create("module");
        LongColumn params = LongColumn.create("trainable params");
        perModule.forEach((m, n) -> {
            module.append(m);
            params.append(n);
        });
        module.append("total");
        params.append(counts.trainable());
        return Table.create("Trainable parameters by module", module, params);
    }

    private static String targets(TargetModules t) {
        if (t instanceof TargetModules.Names n) {
            return String.join(", ", n.names());
        } else if (t instanceof TargetModules.Regex r) {
            return "regex " + r.pattern();
        }
        return TargetModules.ALL_LINEAR;
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static void add(StringColumn key, StringColumn value, String k, String v) {
        key.append(k);
        value.append(v);
    }

    @Override
    public MimeBundle mimeBundle() {
        String line = counts.toString();
        return MimeBundle.text(line + "\n" + Tables.text(settings()) + Tables.text(parametersByModule()).stripTrailing())
                .withHtml(Tables.section(line, Tables.html(settings()), Tables.html(parametersByModule())));
    }

    @Override
    public String toString() {
        return perModule.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", counts + " [", "]"));
    }
}
