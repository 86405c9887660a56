package io.tunebook.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.Tensors;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.model.safetensors.SafetensorsFile;
import io.tunebook.model.safetensors.SafetensorsWriter;
import io.tunebook.model.safetensors.TensorEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code adapter_model.safetensors}: an adapter's tensors under PEFT's file keys, stored as float32 as PEFT does. */
final class AdapterWeightsFile {
    static final String FILE = "adapter_model.safetensors";

    private AdapterWeightsFile() {
    }

    /** Writes {@code tensors} (file key to array) atomically. */
    static void write(Path file, Map<String, NDArray> tensors) {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            writer.add(e.getKey(), e.getValue().getShape().getShape(), e.getValue().toFloatArray(), Dtype.F32);
        }
        try {
            writer.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies the file's tensors into {@code targets} (file key to array, shapes checked). Every key of
     * the file must be a target; every target must be in the file except the {@code optional} ones.
     */
    static void readInto(Path file, Map<String, NDArray> targets, Set<String> optional, NDManager scratch) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            for (TensorEntry entry : st.entries()) {
                NDArray target = targets.get(entry.name());
                if (target == null) {
                    throw new LoraException(file + ": tensor '" + entry.name() + "' does not belong to this adapter "
                            + "on this model (its config expects " + targets.size() + " tensors, e.g. '"
                            + targets.keySet().iterator().next() + "')");
                }
                long[] expected = target.getShape().getShape();
                if (!Arrays.equals(entry.shape(), expected)) {
                    throw new LoraException(file + ": tensor '" + entry.name() + "' has shape "
                            + Arrays.toString(entry.shape()) + " but the model and adapter_config.json need "
                            + Arrays.toString(expected));
                }
                NDArray values = Tensors.of(scratch, st.readFloat32(entry.name()), new Shape(expected), DataType.FLOAT32);
                target.set(new NDIndex("..."), values);
            }
            Set<String> missing = new TreeSet<>(targets.keySet());
            st.entries().forEach(e -> missing.remove(e.name()));
            missing.removeAll(optional);
            if (!missing.isEmpty()) {
                throw new LoraException(file + ": missing tensor '" + missing.iterator().next() + "'"
                        + (missing.size() > 1 ? " and " + (missing.size() - 1) + " more" : "")
                        + " that adapter_config.json implies");
            }
        } catch (IOException e) {
            throw new LoraException(file + ": " + e.getMessage(), e);
        }
    }
}
