package io.tunebook.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.safetensors.Dtype;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run trains: the model it runs forward, the parameters it updates (every weight for full
 * fine-tuning, the adapters for LoRA), and how the result is written out.
 */
public interface TrainableModel {
    CausalLM model();

    /** The arrays the optimizer updates, by stable name; everything else stays frozen. */
    Map<String, NDArray> trainableParameters();

    /** Switches dropout on for training steps and off for evaluation. */
    default void setTraining(boolean training) {
    }

    /** The run's product in a directory: a full Hugging Face model, or an adapter. */
    void saveTrained(Path dir);

    /** That directory's name in a run directory and in each checkpoint: {@code model} or {@code adapter}. */
    String artifactName();

    /**
     * Puts the model in the reference state of preference tuning (DPO) until the scope is closed: for
     * LoRA the base with adapters disabled (PEFT's trick: no second copy of the weights), or a frozen
     * reference adapter. Full fine-tuning has none (it would need a second copy of every weight).
     */
    default AutoCloseable reference() {
        throw new IllegalArgumentException("full fine-tuning has no reference model for DPO (it would need a copy "
                + "of every weight): train adapters (lora, qlora), or use ORPO, which needs no reference");
    }

    /** LoRA: the active adapter trains on the frozen base; the result is saved in PEFT's layout. */
    static TrainableModel lora(LoraModel lora) {
        return lora(lora, null);
    }

    /**
     * LoRA whose reference for DPO is {@code referenceAdapter}, another adapter of {@code lora} that
     * stays frozen (e.g. the SFT adapter loaded a second time, as TRL's {@code ref_adapter_name}); null:
     * the base with adapters disabled.
     */
    static TrainableModel lora(LoraModel lora, String referenceAdapter) {
        if (referenceAdapter != null && !lora.adapters().containsKey(referenceAdapter)) {
            throw new IllegalArgumentException("no adapter '" + referenceAdapter + "' to serve as the reference; "
                    + "load it first, adapters: " + lora.adapters().keySet());
        }
        if (referenceAdapter != null && referenceAdapter.equals(lora.activeAdapter())) {
            throw new IllegalArgumentException("the reference adapter '" + referenceAdapter + "' is the one that "
                    + "trains: load the starting adapter a second time under another name");
        }
        return new TrainableModel() {
            @Override
            public AutoCloseable reference() {
                if (referenceAdapter == null) {
                    return lora.disableAdapters();
                }
                String trained = lora.activeAdapter();
                lora.setAdapter(referenceAdapter);
                return () -> lora.setAdapter(trained);
            }

            @Override
            public CausalLM model() {
                return lora.model();
            }

            @Override
            public Map<String, NDArray> trainableParameters() {
                return lora.trainableParameters();
            }

            @Override
            public void setTraining(boolean training) {
                if (training) {
                    lora.train();
                } else {
                    lora.eval();
                }
            }

            @Override
            public void saveTrained(Path dir) {
                if (referenceAdapter == null) {
                    lora.save(dir);
                } else {
                    lora.saveAdapter(lora.activeAdapter(), dir); // the reference is an input, not a product
                }
            }

            @Override
            public String artifactName() {
                return "adapter";
            }
        };
    }

    /** Full fine-tuning: every weight trains; the result is saved as a model in {@code dtype}. */
    static TrainableModel full(CausalLM model, Dtype dtype) {
        if (model.dtype() != DataType.FLOAT32) {
            throw new IllegalArgumentException("full fine-tuning updates every weight, which must be float32, but this"
                    + " model holds its weights in " + model.dtype() + ": load it with dtype float32 (in a run config,"
                    + " model.dtype: float32), or train adapters (lora, qlora) on the 16-bit base");
        }
        return new TrainableModel() {
            @Override
            public CausalLM model() {
                return model;
            }

            @Override
            public Map<String, NDArray> trainableParameters() {
                return model.transformer().parameters();
            }

            @Override
            public void saveTrained(Path dir) {
                model.save(dir, dtype);
            }

            @Override
            public String artifactName() {
                return "model";
            }
        };
    }
}
