package io.tunebook.eval.ab;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.tunebook.eval.JudgeComparison;
import io.tunebook.eval.judge.JudgeSummary;
import io.tunebook.eval.judge.Rate;
import io.tunebook.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Blind A/B rating by a person: the two systems' answers to each question are shown as A and B in
 * a seeded random order, the pairs themselves shuffled, so that the rater can tell neither which
 * system wrote which answer nor which example it is. The session directory holds
 * {@value #PAIRS} (all the rater sees), {@value #KEY} (which system is A in each pair: keep it out of
 * the rater's sight) and {@value #RATINGS} (one line per rating, appended and forced to disk as it
 * is given). A session resumes where it stopped: rated pairs are skipped. {@link #unblind()} maps
 * the ratings back to the systems, in the same {@link JudgeSummary} shape as an LLM judge's.
 *
 * <pre>{@code
 * BlindAbSession s = BlindAbSession.create(dir, AbItem.of(result, "fine-tuned", "base"), "fine-tuned", "base", 42);
 * s.next();            // a notebook cell shows the pair
 * s.rate("A");         // ... and the next one
 * result = result.withJudgement(s.unblind());
 * }</pre>
 *
 * <p>Console: {@code tunebook ab rate DIR}.
 */
public final class BlindAbSession {
    public static final String PAIRS = "pairs.jsonl";
    public static final String KEY = "key.json";
    public static final String RATINGS = "ratings.jsonl";
    /** Who {@link #unblind()} says judged. */
    public static final String RATER = "human (blind A/B)";

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Path dir;
    private final List<AbPair> pairs;
    private final Map<String, AbChoice> ratings = new LinkedHashMap<>();

    private BlindAbSession(Path dir, List<AbPair> pairs) {
        this.dir = dir;
        this.pairs = pairs;
    }

    /**
     * Blinds {@code items} into a new session in {@code dir} (created if needed; it must not hold a
     * session already).
     */
    public static BlindAbSession create(Path dir, List<AbItem> items, String first, String second, long seed)
            throws IOException {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("nothing to rate: no item");
        }
        if (first.equals(second)) {
            throw new IllegalArgumentException("compare two different systems, not " + first + " with itself");
        }
        Files.createDirectories(dir);
        for (String f : List.of(PAIRS, KEY, RATINGS)) {
            if (Files.exists(dir.resolve(f))) {
                throw new IllegalArgumentException(dir + " already holds a session (" + f + "); open it to resume");
            }
        }
        Random random = new Random(seed);
        List<AbItem> order = new ArrayList<>(items);
        Collections.shuffle(order, random);
        StringBuilder shown = new StringBuilder();
        JsonObject keyPairs = new JsonObject();
        for (int i = 0; i < order.size(); i++) {
            AbItem it = order.get(i);
            String id = "p" + (i + 1);
            boolean firstIsA = random.nextBoolean();
            JsonObject p = new JsonObject();
            p.addProperty("pair", id);
            p.addProperty("prompt", it.prompt());
            p.addProperty("A", firstIsA ? it.first() : it.second());
            p.addProperty("B", firstIsA ? it.second() : it.first());
            shown.append(GSON.toJson(p)).append('\n');
            JsonObject k = new JsonObject();
            k.addProperty("A", firstIsA ? first : second);
            k.addProperty("id", it.id());
            k.addProperty("category", it.category());
            keyPairs.add(id, k);
        }
        JsonObject key = new JsonObject();
        key.addProperty("first", first);
        key.addProperty("second", second);
        key.addProperty("seed", seed);
        key.add("pairs", keyPairs);
        AtomicFile.write(dir.resolve(KEY), (new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
                .toJson(key) + "\n").getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(dir.resolve(PAIRS), shown.toString().getBytes(StandardCharsets.UTF_8));
        return open(dir);
    }

    /** Opens a session to rate on: its pairs and the ratings given so far (never the key). */
    public static BlindAbSession open(Path dir) throws IOException {
        Path file = dir.resolve(PAIRS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " holds no A/B session (no " + PAIRS + ")");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<AbPair> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonObject o = line(file, i + 1, lines.get(i));
            pairs.add(new AbPair(text(o, "pair", file, i + 1), i + 1, lines.size(), 0, text(o, "prompt", file, i + 1),
                    text(o, "A", file, i + 1), text(o, "B", file, i + 1)));
        }
        BlindAbSession s = new BlindAbSession(dir, List.copyOf(pairs));
        s.readRatings();
        return s;
    }

    private void readRatings() throws IOException {
        Path file = dir.resolve(RATINGS);
        if (!Files.exists(file)) {
            return;
        }
        String content = Files.readString(file, StandardCharsets.UTF_8);
        int complete = content.lastIndexOf('\n') + 1;
        if (complete < content.length()) {
            // A rating cut short by a crash: drop it, so that the next one starts on its own line.
            AtomicFile.write(file, content.substring(0, complete).getBytes(StandardCharsets.UTF_8));
        }
        String[] lines = content.substring(0, complete).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonObject o = line(file, i + 1, lines[i]);
            String pair = text(o, "pair", file, i + 1);
            if (pairs.stream().noneMatch(p -> p.pair().equals(pair))) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown pair '" + pair + "'");
            }
            try {
                ratings.put(pair, AbChoice.parse(text(o, "choice", file, i + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
    }

    private static JsonObject line(Path file, int number, String line) {
        try {
            JsonElement e = JsonParser.parseString(line);
            if (e.isJsonObject()) {
                return e.getAsJsonObject();
            }
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ":" + number + ": not valid JSON: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(file + ":" + number + ": not a JSON object");
    }

    private static String text(JsonObject o, String key, Path file, int number) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException(file + ":" + number + ": missing field '" + key + "'");
        }
        return e.getAsString();
    }

    public Path directory() {
        return dir;
    }

    public int total() {
        return pairs.size();
    }

    public int rated() {
        return ratings.size();
    }

    /** Every pair in the order the rater sees them, rated or not (a notebook shows them all at once). */
    public List<AbPair> pairs() {
        return pairs.stream().map(p -> new AbPair(p.pair(), p.position(), p.total(), rated(), p.prompt(), p.answerA(),
                p.answerB())).toList();
    }

    public boolean hasNext() {
        return rated() < total();
    }

    /** The first pair not rated yet. @throws IllegalStateException when every pair is rated */
    public AbPair next() {
        for (AbPair p : pairs) {
            if (!ratings.containsKey(p.pair())) {
                return new AbPair(p.pair(), p.position(), p.total(), rated(), p.prompt(), p.answerA(), p.answerB());
            }
        }
        throw new IllegalStateException("all " + total() + " pairs are rated; unblind() the session");
    }

    /** Rates the pair {@link #next()} shows; returns this session, which displays the following pair. */
    public BlindAbSession rate(String choice) throws IOException {
        return rate(choice, "");
    }

    /** As {@link #rate(String)}, with a note kept in the ratings file. */
    public BlindAbSession rate(String choice, String note) throws IOException {
        AbChoice c = AbChoice.parse(choice);
        AbPair p = next();
        JsonObject o = new JsonObject();
        o.addProperty("pair", p.pair());
        o.addProperty("choice", c.label());
        if (!note.isBlank()) {
            o.addProperty("note", note.strip());
        }
        o.addProperty("time", Instant.now().toString());
        byte[] line = (GSON.toJson(o) + "\n").getBytes(StandardCharsets.UTF_8);
        // One write of one whole line, forced: a crash loses at most the rating being written.
        try (FileChannel out = FileChannel.open(dir.resolve(RATINGS), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        ratings.put(p.pair(), c);
        return this;
    }

    /**
     * Maps the ratings back through the key: wins, ties and losses of the first system against the
     * second, with Wilson intervals, overall and per category. Unrated pairs count as not judged;
     * a person rates each pair once, so there is no position consistency to report.
     */
    public JudgeComparison unblind() throws IOException {
        JsonObject key = readKey();
        String first = key.get("first").getAsString();
        String second = key.get("second").getAsString();
        List<String[]> outcomes = new ArrayList<>();
        for (AbPair p : pairs) {
            JsonObject k = keyOf(key, p);
            AbChoice c = ratings.get(p.pair());
            String outcome = c == null ? "" : c == AbChoice.TIE ? "tie"
                    : (c == AbChoice.A) == k.get("A").getAsString().equals(first) ? "first" : "second";
            outcomes.add(new String[] {k.get("category").getAsString(), outcome});
        }
        Map<String, JudgeSummary> byCategory = new TreeMap<>();
        Map<String, List<String[]>> groups = new TreeMap<>();
        outcomes.forEach(o -> groups.computeIfAbsent(o[0], x -> new ArrayList<>()).add(o));
        if (groups.size() > 1 || !groups.containsKey("")) {
            groups.forEach((category, rows) -> byCategory.put(category, summary(rows, Map.of())));
        }
        return new JudgeComparison(first, second, RATER, summary(outcomes, byCategory), List.of());
    }

    /**
     * The key, pair by pair: the system whose answer was shown as A in each pair of {@link #pairs()}, in that order.
     * For after the rating (a table of what each rating chose); the rater must not see it before.
     */
    public List<String> systemsShownAsA() {
        JsonObject key = readKey();
        return pairs.stream().map(p -> keyOf(key, p).get("A").getAsString()).toList();
    }

    private JsonObject readKey() {
        Path file = dir.resolve(KEY);
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(file + ": not a session key: " + e.getMessage(), e);
        }
    }

    private JsonObject keyOf(JsonObject key, AbPair p) {
        JsonObject byPair = key.getAsJsonObject("pairs");
        JsonObject k = byPair == null ? null : byPair.getAsJsonObject(p.pair());
        if (k == null) {
            throw new IllegalArgumentException(dir.resolve(KEY) + ": no key for pair " + p.pair());
        }
        return k;
    }

    private static JudgeSummary summary(List<String[]> outcomes, Map<String, JudgeSummary> byCategory) {
        long judged = outcomes.stream().filter(o -> !o[1].isEmpty()).count();
        long first = outcomes.stream().filter(o -> o[1].equals("first")).count();
        long second = outcomes.stream().filter(o -> o[1].equals("second")).count();
        return new JudgeSummary(outcomes.size(), (int) judged, outcomes.size() - (int) judged, Rate.of(first, judged),
                Rate.of(judged - first - second, judged), Rate.of(second, judged), Rate.of(0, 0), byCategory);
    }

    @Override
    public String toString() {
        return "BlindAbSession[" + dir + ": " + rated() + " of " + total() + " rated]";
    }
}
