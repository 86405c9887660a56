package io.tunebook.lora;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Linear;
import io.tunebook.model.Projection;
import io.tunebook.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * A frozen {@link CausalLM} with named LoRA adapters, PEFT's {@code PeftModel}: adapters are added
 * (or loaded from PEFT directories), one is active, and they can be disabled for a scope, merged
 * into the base weights and taken out again, or merged for good.
 *
 * <pre>{@code
 * LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(16).alpha(32).build());
 * lora.printTrainableParameters();
 * try (Trainer trainer = Trainer.builder().model(lora).arguments(args).trainData(train).build()) {
 *     trainer.train();
 * }
 * lora.save(Path.of("out/adapter"));
 * }</pre>
 *
 * <p>The base weights are never written by training: adapters live beside them. Only
 * {@link #merge()} (undone by {@link #unmerge()}), {@link #mergeAndUnload()} and the biases that a
 * {@code bias} mode other than {@code none} trains or loads change base arrays.
 */
public final class LoraModel implements AutoCloseable {
    /** The name PEFT gives the first adapter, saved at the root of an adapter directory. */
    public static final String DEFAULT_ADAPTER = "default";

    private static final Pattern ADAPTER_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final CausalLM model;
    private final AdapterState state = new AdapterState();
    private final List<String> modulePaths;
    private final Map<String, Projection> wrappers = new HashMap<>();
    private final Map<String, LoraConfig> configs = new LinkedHashMap<>();
    private final Map<String, NDManager> managers = new LinkedHashMap<>();
    private boolean closed;

    private LoraModel(CausalLM model) {
        this.model = model;
        List<String> paths = new ArrayList<>();
        model.transformer().replaceProjections(p -> {
            if (p instanceof LoraLinear || p instanceof ModulesToSave) {
                throw new LoraException(p.name() + " already carries adapters of another LoraModel; close or "
                        + "unload that one first");
            }
            paths.add(p.name());
            return p;
        });
        this.modulePaths = List.copyOf(paths);
    }

    /** Adds adapter {@value #DEFAULT_ADAPTER} to {@code model} and makes it active: PEFT's {@code get_peft_model}. */
    public static LoraModel wrap(CausalLM model, LoraConfig config) {
        LoraModel lora = new LoraModel(model);
        lora.addAdapter(DEFAULT_ADAPTER, config);
        return lora;
    }

    /** Loads a PEFT adapter directory as adapter {@value #DEFAULT_ADAPTER}: PEFT's {@code PeftModel.from_pretrained}. */
    public static LoraModel load(CausalLM model, Path adapterDir) {
        LoraModel lora = new LoraModel(model);
        try {
            lora.loadAdapter(adapterDir, DEFAULT_ADAPTER);
        } catch (RuntimeException e) {
            lora.close();
            throw e;
        }
        return lora;
    }

    public CausalLM model() {
        return model;
    }

    /**
     * Adds a new adapter initialised as {@code config} says; the first adapter becomes active. Seeds
     * the engine's random generator, which draws dropout masks, with {@code config.seed()} so a run
     * repeats exactly.
     */
    public void addAdapter(String name, LoraConfig config) {
        checkOpen();
        if (!ADAPTER_NAME.matcher(name).matches()) {
            throw new LoraException("adapter name '" + name + "' must be letters, digits, '_' or '-'");
        }
        if (configs.containsKey(name)) {
            throw new LoraException("an adapter named '" + name + "' already exists");
        }
        ModuleSelector selector = new ModuleSelector(modulePaths, model.config().numHiddenLayers());
        List<String> targets = selector.targets(config);
        List<String> saved = selector.modulesToSave(config);
        checkNoConflict(name, targets, LoraLinear.class, ModulesToSave.class);
        checkNoConflict(name, saved, ModulesToSave.class, LoraLinear.class);
        NDManager manager = model.manager().newSubManager();
        Random random = new Random(config.seed());
        try {
            model.transformer().replaceProjections(p -> {
                if (targets.contains(p.name())) {
                    LoraLinear layer = p instanceof LoraLinear l ? l : new LoraLinear(p, state);
                    layer.add(name, LoraWeights.initialize(layer.wrapped(), config, manager, random));
                    wrappers.put(p.name(), layer);
                    return layer;
                }
                if (saved.contains(p.name())) {
                    ModulesToSave module = p instanceof ModulesToSave m ? m : new ModulesToSave(p, state);
                    module.addCopy(name, manager);
                    wrappers.put(p.name(), module);
                    return module;
                }
                return p;
            });
        } catch (RuntimeException e) {
            removeFromLayers(name);
            manager.close();
            throw e;
        }
        configs.put(name, config.toBuilder().targetModules(selector.resolve(config.targetModules())).build());
        managers.put(name, manager);
        if (state.active() == null) {
            state.active(name);
        }
        Engine.getInstance().setRandomSeed((int) config.seed());
    }

    /** A module is either adapted or trained in full, whichever adapter asks. */
    private void checkNoConflict(String adapter, List<String> paths, Class<?> same, Class<?> other) {
        for (String path : paths) {
            Projection w = wrappers.get(path);
            if (other.isInstance(w)) {
                throw new LoraException("adapter '" + adapter + "' cannot " + (same == LoraLinear.class
                        ? "add LoRA to " + path + ": another adapter trains it in full (modulesToSave)"
                        : "train " + path + " in full: another adapter puts LoRA on it"));
            }
        }
    }

    /** Loads a PEFT adapter directory ({@code adapter_config.json} + {@code adapter_model.safetensors}) under {@code name}. */
    public void loadAdapter(Path adapterDir, String name) {
        checkOpen();
        LoraConfig config = AdapterConfigJson.read(adapterDir.resolve(AdapterConfigJson.FILE));
        addAdapter(name, config);
        try (NDManager scratch = model.manager().newSubManager()) {
            AdapterWeightsFile.readInto(adapterDir.resolve(AdapterWeightsFile.FILE), tensors(name, false),
                    biases(name).keySet(), scratch);
        } catch (RuntimeException e) {
            deleteAdapter(name);
            throw e;
        }
    }

    /** Makes {@code name} the adapter used by the forward pass and listed by {@link #trainableParameters()}. */
    public void setAdapter(String name) {
        checkOpen();
        requireAdapter(name);
        if (mergedAdapter() != null && !mergedAdapter().equals(name)) {
            throw new LoraException("adapter '" + mergedAdapter() + "' is merged into the base weights; unmerge() "
                    + "before switching to '" + name + "'");
        }
        state.active(name);
    }

    /** The active adapter's name, or null when none is left. */
    public String activeAdapter() {
        return state.active();
    }

    /** Every adapter's config, {@code all-linear} resolved to the module names it stands for (PEFT's {@code peft_config}). */
    public Map<String, LoraConfig> adapters() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(configs));
    }

    /** Removes an adapter and frees its weights; if it was active, the first remaining one becomes active. */
    public void deleteAdapter(String name) {
        checkOpen();
        requireAdapter(name);
        if (name.equals(mergedAdapter())) {
            throw new LoraException("adapter '" + name + "' is merged into the base weights; unmerge() first");
        }
        removeFromLayers(name);
        configs.remove(name);
        managers.remove(name).close();
        if (name.equals(state.active())) {
            state.active(configs.isEmpty() ? null : configs.keySet().iterator().next());
        }
    }

    private void removeFromLayers(String name) {
        for (Projection w : wrappers.values()) {
            if (w instanceof LoraLinear l) {
                l.remove(name);
            } else if (w instanceof ModulesToSave m) {
                m.remove(name);
            }
        }
        model.transformer().replaceProjections(p -> {
            if (p instanceof LoraLinear l && l.adapterNames().isEmpty()) {
                wrappers.remove(p.name());
                return l.wrapped();
            }
            if (p instanceof ModulesToSave m && m.adapterNames().isEmpty()) {
                wrappers.remove(p.name());
                return m.original();
            }
            return p;
        });
    }

    /** Training mode (the default): dropout acts in steps that record gradients. */
    public void train() {
        state.training(true);
    }

    /** Evaluation mode: no dropout. */
    public void eval() {
        state.training(false);
    }

    /** Scope in which the base model runs alone, PEFT's {@code with model.disable_adapter():}. */
    public interface DisabledAdapters extends AutoCloseable {
        /** Enables the adapters again. */
        @Override
        void close();
    }

    /**
     * Runs the base model alone until the returned scope is closed. Biases trained by a {@code bias}
     * mode other than {@code none} stay as trained, as in PEFT.
     */
    public DisabledAdapters disableAdapters() {
        checkOpen();
        if (mergedAdapter() != null) {
            throw new LoraException("adapter '" + mergedAdapter() + "' is merged into the base weights; unmerge() "
                    + "before disabling adapters");
        }
        state.enabled(false);
        return () -> state.enabled(true);
    }

    /** Adds the active adapter's update into the dense base weights; {@link #unmerge()} takes it out. */
    public void merge() {
        checkOpen();
        String active = requireActive();
        if (mergedAdapter() != null) {
            throw new LoraException("adapter '" + mergedAdapter() + "' is already merged");
        }
        if (model.config().tieWordEmbeddings() && wrappers.get("lm_head") instanceof LoraLinear head
                && head.weights(active) != null) {
            throw new LoraException("cannot merge into lm_head: it shares its weight with model.embed_tokens "
                    + "(tie_word_embeddings), so merging would change the input embeddings too");
        }
        List<LoraLinear> done = new ArrayList<>();
        try {
            for (LoraLinear layer : loraLayers()) {
                layer.merge(active);
                done.add(layer);
            }
        } catch (RuntimeException e) {
            done.forEach(LoraLinear::unmerge);
            throw e;
        }
    }

    /** Takes a merged adapter back out of the base weights (equal to before up to float rounding). */
    public void unmerge() {
        checkOpen();
        loraLayers().forEach(LoraLinear::unmerge);
    }

    /** The adapter merged into the base weights, or null. */
    public String mergedAdapter() {
        for (LoraLinear layer : loraLayers()) {
            if (layer.merged() != null) {
                return layer.merged();
            }
        }
        return null;
    }

    /**
     * Merges the active adapter for good and gives back the plain model, PEFT's {@code merge_and_unload}:
     * adapted weights are merged, modules trained in full are copied over the originals, every
     * wrapper is removed and every adapter freed. This LoraModel cannot be used afterwards.
     */
    public CausalLM mergeAndUnload() {
        checkOpen();
        String active = requireActive();
        List<Linear[]> copies = new ArrayList<>();
        for (String path : modulePaths) {
            if (wrappers.get(path) instanceof ModulesToSave m && m.copy(active) != null) {
                if (!(m.original() instanceof Linear original)) {
                    throw new LoraException(path + " is not a dense layer; it cannot take the trained copy");
                }
                if (path.equals("lm_head") && model.config().tieWordEmbeddings()) {
                    throw new LoraException("cannot write the trained lm_head into the model: it shares its weight "
                            + "with model.embed_tokens (tie_word_embeddings); save the adapter instead");
                }
                copies.add(new Linear[] {original, m.copy(active)});
            }
        }
        if (!active.equals(mergedAdapter())) {
            merge();
        }
        for (Linear[] pair : copies) {
            pair[0].updateWeight(w -> w.set(new NDIndex("..."), pair[1].weight()));
            pair[0].bias().ifPresent(b -> b.set(new NDIndex("..."), pair[1].bias().orElseThrow()));
        }
        unwrapAndFree();
        return model;
    }

    /**
     * The arrays a trainer updates for the active adapter, under PEFT's in-memory names: A, B (and the
     * DoRA magnitude) of every adapted module, the copies of modules trained in full, and the biases
     * the adapter's {@code bias} mode trains. Hand them to {@code train.Trainer} as they are.
     */
    public Map<String, NDArray> trainableParameters() {
        checkOpen();
        return Collections.unmodifiableMap(tensors(requireActive(), true));
    }

    /** PEFT's {@code get_nb_trainable_parameters}: trainable (active adapter) and all weights. */
    public TrainableParameters parameterCounts() {
        checkOpen();
        long all = model.parameterCount();
        for (Projection w : wrappers.values()) {
            if (w instanceof LoraLinear l) {
                all += l.adapterNames().stream().mapToLong(a -> l.weights(a).parameterCount()).sum();
            } else if (w instanceof ModulesToSave m) {
                for (String a : m.adapterNames()) {
                    Linear copy = m.copy(a);
                    all += copy.weight().size() + copy.bias().map(NDArray::size).orElse(0L);
                }
            }
        }
        long trainable = state.active() == null ? 0
                : tensors(state.active(), true).values().stream().mapToLong(NDArray::size).sum();
        return new TrainableParameters(trainable, all);
    }

    /** Prints PEFT's line, e.g. {@code trainable params: 172,032 || all params: 6,372,608 || trainable%: 2.6996}. */
    public void printTrainableParameters() {
        System.out.println(parameterCounts());
    }

    /**
     * Saves every adapter as PEFT does: {@value #DEFAULT_ADAPTER} in {@code dir}, any other in
     * {@code dir/<name>}; each as {@code adapter_config.json} + {@code adapter_model.safetensors}.
     */
    public void save(Path dir) {
        checkOpen();
        for (String name : configs.keySet()) {
            saveAdapter(name, name.equals(DEFAULT_ADAPTER) ? dir : dir.resolve(name));
        }
    }

    /**
     * Saves one adapter in PEFT's layout. Each file is replaced atomically, the weights first, so an
     * interrupted save leaves either the old config or a matching new pair.
     */
    public void saveAdapter(String name, Path dir) {
        checkOpen();
        requireAdapter(name);
        try {
            Files.createDirectories(dir);
            AdapterWeightsFile.write(dir.resolve(AdapterWeightsFile.FILE), tensors(name, false));
            byte[] json = AdapterConfigJson.toJson(configs.get(name)).getBytes(StandardCharsets.UTF_8);
            AtomicFile.write(dir.resolve(AdapterConfigJson.FILE), out -> out.write(ByteBuffer.wrap(json)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save adapter '" + name + "' to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One adapter's tensors in model order, under in-memory names or (with {@code inMemory} false) file keys. */
    private Map<String, NDArray> tensors(String adapter, boolean inMemory) {
        String tag = inMemory ? adapter : null;
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String path : modulePaths) {
            Projection w = wrappers.get(path);
            if (w instanceof LoraLinear l && l.weights(adapter) != null) {
                LoraWeights lw = l.weights(adapter);
                out.put(PeftKeys.loraA(path, tag), lw.a());
                out.put(PeftKeys.loraB(path, tag), lw.b());
                if (lw.dora()) {
                    out.put(PeftKeys.magnitude(path, tag), lw.magnitude());
                }
            } else if (w instanceof ModulesToSave m && m.copy(adapter) != null) {
                Linear copy = m.copy(adapter);
                out.put(PeftKeys.savedModule(path, "weight", tag), copy.weight());
                copy.bias().ifPresent(b -> out.put(PeftKeys.savedModule(path, "bias", tag), b));
            }
        }
        out.putAll(biases(adapter));
        return out;
    }

    /**
     * The base biases that {@code adapter}'s bias mode trains (and saves), under the same name in memory
     * and in the file; none with {@code bias = none}.
     */
    private Map<String, NDArray> biases(String adapter) {
        LoraBias mode = configs.get(adapter).bias();
        Map<String, NDArray> out = new LinkedHashMap<>();
        Map<String, NDArray> params = model.transformer().parameters();
        for (String path : modulePaths) {
            NDArray bias = params.get(path + ".bias");
            Projection w = wrappers.get(path);
            boolean adapted = w instanceof LoraLinear l && l.weights(adapter) != null;
            boolean trains = mode == LoraBias.ALL ? !(w instanceof ModulesToSave) : mode == LoraBias.LORA_ONLY && adapted;
            if (bias != null && trains) {
                out.put(PeftKeys.bias(path, w instanceof LoraLinear), bias);
            }
        }
        return out;
    }

    private List<LoraLinear> loraLayers() {
        List<LoraLinear> out = new ArrayList<>();
        for (String path : modulePaths) {
            if (wrappers.get(path) instanceof LoraLinear l) {
                out.add(l);
            }
        }
        return out;
    }

    private String requireActive() {
        if (state.active() == null) {
            throw new LoraException("no active adapter; add or load one first");
        }
        return state.active();
    }

    private void requireAdapter(String name) {
        if (!configs.containsKey(name)) {
            throw new LoraException("no adapter named '" + name + "'; adapters: " + configs.keySet());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new LoraException("this LoraModel was closed or unloaded");
        }
    }

    private void unwrapAndFree() {
        model.transformer().replaceProjections(p -> {
            if (p instanceof LoraLinear l) {
                return l.wrapped();
            }
            return p instanceof ModulesToSave m ? m.original() : p;
        });
        wrappers.clear();
        configs.clear();
        managers.values().forEach(NDManager::close);
        managers.clear();
        closed = true;
    }

    /**
     * Takes the adapters off the model and frees them; a merged adapter is unmerged first, so the
     * model is the base model again (biases trained by a {@code bias} mode excepted).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        unmerge();
        unwrapAndFree();
    }
}
