package io.tunebook.eval;

import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraInit;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import java.nio.file.Path;

/** PEFT adapter directories for tests: random A and B, so that the adapted model answers differently from its base. */
public final class TestAdapters {
    public static final Path TINY_BASE = Path.of("../models/tiny-base");

    private TestAdapters() {
    }

    /** Saves a fresh random adapter for tiny-base in {@code dir} and returns {@code dir}. */
    public static Path randomAdapter(Path dir, long seed) {
        try (CausalLM model = CausalLM.load(TINY_BASE);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(8).alpha(32).dropout(0)
                        .targetModules("q_proj", "v_proj", "o_proj").initLoraWeights(LoraInit.RANDOM).seed(seed).build())) {
            lora.save(dir);
        }
        return dir;
    }
}
