package io.tunebook.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSON validity, schema conformance and exact match on the shipped extract-json dataset. */
class JsonMatchTest {
    private static final Path DATASET = Path.of("../datasets/extract-json");
    private static final JsonSchema SCHEMA = JsonSchema.read(DATASET.resolve("schema.json"));
    private static final JsonMatch MATCH = JsonMatch.with(SCHEMA);

    private static List<String> references() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(DATASET.resolve("validation.jsonl"))) {
            out.add(JsonParser.parseString(line).getAsJsonObject().get("output").getAsString());
        }
        return out;
    }

    @Test
    void everyShippedReferenceConformsAndMatchesItself() throws IOException {
        List<String> refs = references();
        JsonMatchResult r = MATCH.evaluate(refs, refs);
        assertEquals(1.0, r.validRate());
        assertEquals(1.0, r.schemaValidRate(), () -> r.checks().stream().filter(c -> !c.schemaValid()).findFirst().toString());
        assertEquals(1.0, r.exactMatchRate());
        assertEquals(List.of("intention", "numero_commande", "produit", "quantite", "urgence"), List.copyOf(r.fieldAccuracy().keySet()));
    }

    @Test
    void violationsNameTheirField() {
        String ref = "{\"intention\":\"retour\",\"numero_commande\":\"CMD-12345\",\"produit\":null,\"quantite\":2,\"urgence\":\"normale\"}";
        JsonCheck c = MATCH.check("{\"intention\":\"échange\",\"numero_commande\":\"12345\",\"produit\":\"\","
                + "\"quantite\":\"2\",\"couleur\":\"bleu\"}", ref);
        assertTrue(c.valid());
        assertFalse(c.exactMatch());
        String all = String.join("\n", c.schemaErrors());
        assertTrue(all.contains("$.urgence: required but missing"), all);
        assertTrue(all.contains("$.intention: \"échange\" is not one of"), all);
        assertTrue(all.contains("$.numero_commande: \"12345\" does not match ^CMD-[0-9]{5}$"), all);
        assertTrue(all.contains("$.produit: shorter than 1 characters"), all);
        assertTrue(all.contains("$.quantite: expected integer or null, got string \"2\""), all);
        assertTrue(all.contains("$.couleur: not allowed"), all);
        assertEquals(6, c.schemaErrors().size(), all);
        assertEquals(List.of(), c.matchedFields());
    }

    @Test
    void keyOrderSpacingAndIntegralFloatsDoNotMatterButTypesDo() {
        String ref = "{\"intention\":\"retour\",\"numero_commande\":null,\"produit\":null,\"quantite\":2,\"urgence\":\"haute\"}";
        JsonCheck same = MATCH.check("{ \"urgence\": \"haute\", \"quantite\": 2.0, \"produit\": null,\n"
                + " \"numero_commande\": null, \"intention\": \"retour\" }", ref);
        assertTrue(same.exactMatch());
        assertTrue(same.schemaValid(), same.schemaErrors().toString());
        JsonCheck lowUrgency = MATCH.check(ref.replace("haute", "basse").replace(":2", ":0"), ref);
        assertFalse(lowUrgency.exactMatch());
        assertEquals(List.of("intention", "numero_commande", "produit"), lowUrgency.matchedFields());
        assertEquals(List.of("$.quantite: 0 is less than the minimum 1"), lowUrgency.schemaErrors());
    }

    @Test
    void onlyStrictJsonIsValid() {
        String ref = "{\"a\":1}";
        for (String bad : new String[] {"{'a': 1}", "{a: 1}", "{\"a\": NaN}", "{\"a\":1} merci", "", "{\"a\":1,}",
            "Voici le JSON : {\"a\":1}"}) {
            JsonCheck c = JsonMatch.with(JsonSchema.parse("{}", "empty")).check(bad, ref);
            assertFalse(c.valid(), bad);
            assertFalse(c.parseError().isEmpty(), bad);
            // What went wrong where, for whoever reads an evaluation: not Gson's advice to parse leniently.
            assertFalse(c.parseError().contains("setStrictness") || c.parseError().contains("http"), c.parseError());
        }
        assertEquals("malformed JSON at line 1 column 3 path $.",
                JsonMatch.with(JsonSchema.parse("{}", "empty")).check("{a: 1}", ref).parseError());
        assertTrue(JsonMatch.with(JsonSchema.parse("{}", "empty")).check(" {\"a\":1}\n", ref).exactMatch());
    }

    @Test
    void unsupportedSchemaKeywordsAreRefusedWithTheirLocation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonSchema.parse("{\"properties\":{\"x\":{\"type\":\"string\",\"format\":\"email\"}}}", "s.json"));
        assertTrue(e.getMessage().startsWith("s.json: #/properties/x: keyword 'format' is not supported"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JsonSchema.parse("{\"type\":\"text\"}", "s.json"));
        assertThrows(IllegalArgumentException.class, () -> MATCH.check("{}", "not json"));
    }
}
