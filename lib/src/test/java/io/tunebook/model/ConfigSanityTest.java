package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hostile or broken config.json is refused, naming the file and the field, before anything is built from it. */
class ConfigSanityTest {
    @TempDir
    Path tmp;

    private ModelException refused(String field, String value) throws IOException {
        JsonObject config = JsonParser.parseString(Files.readString(Path.of("../models/tiny-base/config.json")))
                .getAsJsonObject();
        config.add(field, JsonParser.parseString(value));
        Path file = tmp.resolve("config.json");
        Files.writeString(file, config.toString());
        long start = System.nanoTime();
        ModelException e = assertThrows(ModelException.class, () -> ModelConfig.read(file), field + " = " + value);
        assertTrue((System.nanoTime() - start) / 1e9 < 5, "refused at once");
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e;
    }

    @Test
    void outOfRangeFieldsAreNamed() throws IOException {
        assertEquals(tmp.resolve("config.json") + ": num_hidden_layers must be in [1, 1024], got 2147483647",
                refused("num_hidden_layers", "2147483647").getMessage());
        assertTrue(refused("num_attention_heads", "0").getMessage().contains("num_attention_heads must be in [1, 1024], got 0"));
        assertTrue(refused("num_key_value_heads", "0").getMessage().contains("num_key_value_heads must be in [1, "));
        assertTrue(refused("num_key_value_heads", "3").getMessage().contains("must be a multiple of num_key_value_heads (3)"));
        assertTrue(refused("rms_norm_eps", "-1").getMessage().contains("rms_norm_eps must be in (0, 1), got -1.0"));
        assertTrue(refused("rms_norm_eps", "0").getMessage().contains("rms_norm_eps must be in (0, 1)"));
        assertTrue(refused("rope_theta", "-5").getMessage().contains("rope_theta must be a positive number"));
        assertTrue(refused("hidden_size", "-256").getMessage().contains("field 'hidden_size' must be a non-negative integer"));
        assertTrue(refused("hidden_size", "2000000000").getMessage().contains("hidden_size must be in [1, "));
        assertTrue(refused("vocab_size", "0").getMessage().contains("vocab_size must be in [1, "));
        assertTrue(refused("intermediate_size", "2000000000").getMessage().contains("intermediate_size must be in"));
        assertTrue(refused("head_dim", "7").getMessage().contains("head_dim must be even"));
        assertTrue(refused("max_position_embeddings", "0").getMessage().contains("max_position_embeddings must be in"));
    }
}
