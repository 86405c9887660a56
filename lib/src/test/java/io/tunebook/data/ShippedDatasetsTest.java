package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The course datasets shipped in {@code datasets/} hold what their READMEs promise: every file
 * loads in strict mode, in the documented format, with the issue's minimum sizes; test prompts
 * are neither in train nor near-duplicates of any other prompt (as {@link Cleaner} sees them);
 * extract-json outputs are canonical JSON valid against {@code schema.json}.
 */
class ShippedDatasetsTest {
    static final Path DIR = Path.of("../datasets");
    static final List<String> SPLITS = List.of("train", "validation", "test");

    /** One shipped dataset: its folder, the format its README documents, the issue's minimum size. */
    record Shipped(String name, DatasetFormat format, int minimum) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Shipped SUPPORT = new Shipped("support-fr", DatasetFormat.ALPACA, 1000);
    static final Shipped EXTRACT = new Shipped("extract-json", DatasetFormat.ALPACA, 1000);
    static final Shipped CONVERSATIONS = new Shipped("conversations-fr", DatasetFormat.SHAREGPT, 300);
    static final Shipped PREFERENCES = new Shipped("preferences-fr", DatasetFormat.PREFERENCE, 300);

    static Stream<Shipped> shipped() {
        return Stream.of(SUPPORT, EXTRACT, CONVERSATIONS, PREFERENCES);
    }

    private static final Map<Path, Dataset> LOADED = new ConcurrentHashMap<>();

    /** Loaded once for all tests: strict, format detected, as {@link Datasets#load} does. */
    static Dataset load(String name, String split) {
        return LOADED.computeIfAbsent(DIR.resolve(name).resolve(split + ".jsonl"), Datasets::load);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void everySplitLoadsStrictlyInTheDocumentedFormat(Shipped d) {
        long total = 0;
        for (String split : SPLITS) {
            Dataset data = load(d.name(), split);
            ValidationReport v = data.validation();
            assertTrue(v.isValid(), d.name() + "/" + split + ":\n" + v);
            assertEquals(0, v.issueCount());
            FileSummary file = v.files().get(0);
            assertEquals(d.format(), file.format(), d.name() + "/" + split + " detected as " + file.format());
            assertFalse(file.forced());
            assertEquals(file.rows(), data.size());
            assertTrue(data.size() > 0, d.name() + "/" + split + " is empty");
            total += data.size();
        }
        assertTrue(total >= d.minimum(), d.name() + " has " + total + " examples, fewer than " + d.minimum());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void noTestPromptIsInTrain(Shipped d) {
        Map<String, Source> train = new HashMap<>();
        for (Example e : load(d.name(), "train")) {
            train.put(key(prompt(d, e)), e.source());
        }
        for (Example e : load(d.name(), "test")) {
            Source same = train.get(key(prompt(d, e)));
            assertEquals(null, same, e.source() + ": its prompt is also at " + same);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void noTwoPromptsAreNearDuplicates(Shipped d) {
        List<Example> prompts = prompts(d);
        CleaningReport r = Cleaner.builder().build().clean(Dataset.of(prompts)).report();
        assertEquals(List.of(), r.removals().stream()
                .map(x -> x.source() + " ~ " + x.duplicateOf() + " (" + x.similarity() + ")").toList());
        assertEquals(prompts.size(), r.kept());
    }

    /** DPO after supervised fine-tuning on support-fr meets new questions, not ones seen in SFT. */
    @Test
    void preferencePromptsAreNewToSupport() {
        List<Example> prompts = prompts(SUPPORT);
        int support = prompts.size();
        prompts.addAll(prompts(PREFERENCES));
        CleaningReport r = Cleaner.builder().build().clean(Dataset.of(prompts)).report();
        assertEquals(prompts.size(), r.kept(), () -> r.removals().stream()
                .map(x -> x.source() + " ~ " + x.duplicateOf()).collect(Collectors.joining("\n")));
        assertTrue(support >= 1000);
    }

    /** Every example of all splits as a single user message holding its prompt (see {@link #prompt}). */
    static List<Example> prompts(Shipped d) {
        List<Example> prompts = new ArrayList<>();
        for (String split : SPLITS) {
            for (Example e : load(d.name(), split)) {
                prompts.add(e.withConversation(Conversation.of(Message.user(prompt(d, e)))).withoutRejected());
            }
        }
        return prompts;
    }

    @Test
    void extractJsonOutputsAreCanonicalAndMatchTheSchema() throws IOException {
        JsonObject schema = JsonParser.parseString(Files.readString(DIR.resolve("extract-json/schema.json")))
                .getAsJsonObject();
        JsonObject properties = schema.getAsJsonObject("properties");
        Set<String> required = new TreeSet<>();
        schema.getAsJsonArray("required").forEach(k -> required.add(k.getAsString()));
        assertEquals(properties.keySet(), required, "every property is required (nulls are explicit)");
        assertFalse(schema.get("additionalProperties").getAsBoolean());
        Map<String, Long> intents = new TreeMap<>();
        Set<String> instructions = new TreeSet<>();
        int rows = 0;
        for (String split : SPLITS) {
            for (Example e : load(EXTRACT.name(), split)) {
                String output = e.conversation().last().content();
                instructions.add(e.conversation().turns().get(0).content().split(AlpacaCodec.INPUT_SEPARATOR, 2)[0]);
                JsonElement parsed = JsonParser.parseString(output);
                assertTrue(parsed.isJsonObject(), e.source() + ": output is not a JSON object");
                JsonObject o = parsed.getAsJsonObject();
                assertEquals(required, o.keySet(), e.source() + ": keys");
                for (String k : required) {
                    String problem = schemaProblem(properties.getAsJsonObject(k), o.get(k));
                    assertEquals(null, problem, e.source() + ": " + k + " " + o.get(k));
                }
                assertEquals(canonical(o), output, e.source() + ": output is not in canonical form");
                intents.merge(o.get("intention").getAsString(), 1L, Long::sum);
                rows++;
            }
        }
        assertEquals(schema.getAsJsonObject("properties").getAsJsonObject("intention").getAsJsonArray("enum").size(),
                intents.size(), "every intention occurs: " + intents);
        assertEquals(1, instructions.size(), "one fixed instruction on every row");
        assertTrue(rows >= 1000);
    }

    @Test
    void conversationsAreMultiTurnAndPreferencesDiffer() {
        for (String split : SPLITS) {
            for (Example e : load(CONVERSATIONS.name(), split)) {
                long users = e.conversation().count(Role.USER);
                assertTrue(users >= 2 && users <= 4, e.source() + ": " + users + " customer turns");
            }
            for (Example e : load(PREFERENCES.name(), split)) {
                Preference p = e.preference().orElseThrow(() -> new AssertionError(e.source() + ": no pair"));
                assertNotEquals(p.chosen(), p.rejected(), e.source() + ": chosen equals rejected");
                assertTrue(e.extra("reason").isPresent(), e.source() + ": no reason");
            }
        }
    }

    @Test
    void supportAnswersFollowTheHouseStyle() {
        for (String split : SPLITS) {
            for (Example e : load(SUPPORT.name(), split)) {
                String answer = e.conversation().last().content();
                assertTrue(answer.startsWith("Bonjour, ") && answer.endsWith("\nL'équipe Maison Lumière")
                        && !answer.contains("’"), e.source() + ": " + answer);
            }
        }
    }

    /**
     * What the customer wrote: the user turns (no system prompt); for extract-json, whose
     * instruction is the same on every row, only the message after it.
     */
    static String prompt(Shipped d, Example e) {
        String users = e.conversation().messages().stream().filter(m -> m.role() == Role.USER)
                .map(Message::content).collect(Collectors.joining("\n"));
        return d == EXTRACT ? users.split(AlpacaCodec.INPUT_SEPARATOR, 2)[1] : users;
    }

    private static String key(String prompt) {
        return TextNormalizer.normalize(prompt).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    /** json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")), as the README defines it. */
    private static String canonical(JsonObject o) {
        JsonObject sorted = new JsonObject();
        new TreeMap<>(o.asMap()).forEach(sorted::add);
        return new GsonBuilder().disableHtmlEscaping().serializeNulls().create().toJson(sorted);
    }

    /** The subset of JSON Schema that schema.json uses: type (with null), enum, pattern, minimum, minLength. */
    private static String schemaProblem(JsonObject property, JsonElement v) {
        JsonElement type = property.get("type");
        List<String> types = new ArrayList<>();
        if (type.isJsonArray()) {
            type.getAsJsonArray().forEach(t -> types.add(t.getAsString()));
        } else {
            types.add(type.getAsString());
        }
        if (v.isJsonNull()) {
            return types.contains("null") ? null : "is null";
        }
        boolean isString = v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
        boolean isInteger = v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()
                && v.getAsBigDecimal().stripTrailingZeros().scale() <= 0;
        if (!(isString && types.contains("string") || isInteger && types.contains("integer"))) {
            return "has the wrong type for " + types;
        }
        if (property.has("enum") && !property.getAsJsonArray("enum").contains(v)) {
            return "is not in the enum";
        }
        if (property.has("pattern") && !Pattern.compile(property.get("pattern").getAsString())
                .matcher(v.getAsString()).find()) {
            return "does not match " + property.get("pattern");
        }
        if (property.has("minimum") && v.getAsLong() < property.get("minimum").getAsLong()) {
            return "is below the minimum";
        }
        if (property.has("minLength") && v.getAsString().length() < property.get("minLength").getAsInt()) {
            return "is too short";
        }
        return null;
    }
}
