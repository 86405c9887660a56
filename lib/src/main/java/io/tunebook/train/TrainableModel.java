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

    /** LoRA: the active adapter trains on the frozen base; the result is saved in PEFT's layout. */
    static TrainableModel lora(LoraModel lora) {
        return new TrainableModel() {
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
                lora.save(dir);
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
