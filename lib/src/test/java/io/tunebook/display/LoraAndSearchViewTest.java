package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.train.HyperparameterSearch;
import io.tunebook.train.SearchResult;
import io.tunebook.train.SearchSpace;
import io.tunebook.train.TrainingResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class LoraAndSearchViewTest {
    @Test
    void loraViewSplitsTheTrainableParametersByModule() {
        try (CausalLM model = CausalLM.load(Path.of("../models/tiny-base"));
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().build())) {
            LoraView view = LoraView.of(lora);
            Table byModule = view.parametersByModule();
            assertEquals(List.of("k_proj", "o_proj", "q_proj", "v_proj", "total"), byModule.stringColumn("module").asList());
            // 6 layers; q and o are 256 -> 256, k and v 256 -> 128: r (in + out) each.
            assertEquals(6L * 16 * (256 + 256), byModule.longColumn("trainable params").get(2));
            assertEquals(6L * 16 * (256 + 128), byModule.longColumn("trainable params").get(0));
            assertEquals(172_032L, byModule.longColumn("trainable params").get(4));
            MimeBundle bundle = view.mimeBundle();
            assertTrue(bundle.text().startsWith("trainable params: 172,032 || all params: "), bundle.text());
            assertTrue(bundle.text().contains("scaling         2 (alpha/r)"), bundle.text());
            assertTrue(bundle.html().orElseThrow().contains("<td style=\"border:1px solid #d0d7de;padding:3px 6px;"
                    + "vertical-align:top;text-align:left\">q_proj, k_proj, v_proj, o_proj</td>"));
            assertTrue(Views.of(lora).orElseThrow() instanceof LoraView);
        }
        assertEquals("q_proj", LoraView.moduleKind("base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight"));
        assertEquals("lm_head", LoraView.moduleKind("base_model.model.lm_head.modules_to_save.default.weight"));
    }

    @Test
    void searchViewRanksTrialsAndNamesTheBest() {
        SearchSpace space = SearchSpace.builder().choice("learning_rate", 1e-4, 2e-4).choice("lora_r", 8, 16).build();
        SearchResult result = HyperparameterSearch.grid(space).run(p -> {
            if (p.getInt("lora_r") == 16 && p.getDouble("learning_rate") == 1e-4) {
                throw new IllegalStateException("out of memory");
            }
            double loss = 2 - p.getDouble("learning_rate") * 1000 - p.getInt("lora_r") / 100.0;
            return new TrainingResult(10, 10, loss, loss, TrainingResult.StopReason.COMPLETED, loss, 10, 1.0);
        });
        SearchView view = SearchView.of(result);
        Table t = view.table();
        assertEquals(List.of(4, 3, 1, 2), t.intColumn("trial").asList(), "ranked by eval loss, the failure last");
        assertEquals("2.00e-04", t.stringColumn("learning_rate").get(0));
        assertTrue(t.stringColumn("error").get(3).contains("out of memory"));
        assertEquals("best: trial 4, {learning_rate=2.0E-4, lora_r=16}, validation loss 1.6400", view.verdict());
        assertTrue(Views.of(result).orElseThrow().mimeBundle().html().orElseThrow().contains("grid search, 4 trials"));
    }
}
