package io.tunebook.data;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link Cleaner} did: how many examples went in and stayed, how many normalisation changed,
 * every removal with its reason (for a duplicate, the location of the example kept in its place
 * and the similarity), and every e-mail address or phone number found.
 */
public final class CleaningReport {
    /**
     * One removed example.
     *
     * @param duplicateOf for a duplicate, the example kept in its place; otherwise {@code null}
     * @param similarity for a duplicate, the (estimated) Jaccard similarity, 1 for an exact one; otherwise 0
     * @param detail what was found (a token count, a matched address)
     */
    public record Removal(Source source, RemovalReason reason, Source duplicateOf, double similarity, String detail) {
    }

    /**
     * One e-mail address or phone number found.
     *
     * @param field {@code messages[i]} (the message's index in the conversation) or {@code rejected}
     * @param action what was done: {@link PiiAction#FLAG}, {@link PiiAction#REDACT} or {@link PiiAction#DROP}
     */
    public record Flag(Source source, String field, PiiKind kind, String match, PiiAction action) {
    }

    private final int input;
    private final int kept;
    private final int normalized;
    private final List<Removal> removals;
    private final List<Flag> flags;

    CleaningReport(int input, int kept, int normalized, List<Removal> removals, List<Flag> flags) {
        this.input = input;
        this.kept = kept;
        this.normalized = normalized;
        this.removals = List.copyOf(removals);
        this.flags = List.copyOf(flags);
    }

    /** Examples before cleaning. */
    public int input() {
        return input;
    }

    /** Examples after cleaning. */
    public int kept() {
        return kept;
    }

    /** Examples whose text normalisation changed. */
    public int normalized() {
        return normalized;
    }

    public List<Removal> removals() {
        return removals;
    }

    public List<Removal> removals(RemovalReason reason) {
        return removals.stream().filter(r -> r.reason() == reason).toList();
    }

    public long count(RemovalReason reason) {
        return removals.stream().filter(r -> r.reason() == reason).count();
    }

    public Map<RemovalReason, Long> countsByReason() {
        Map<RemovalReason, Long> out = new EnumMap<>(RemovalReason.class);
        for (Removal r : removals) {
            out.merge(r.reason(), 1L, Long::sum);
        }
        return Collections.unmodifiableMap(out);
    }

    public List<Flag> flags() {
        return flags;
    }

    public List<Flag> flags(PiiKind kind) {
        return flags.stream().filter(f -> f.kind() == kind).toList();
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("input", input);
        o.addProperty("kept", kept);
        o.addProperty("removed", removals.size());
        o.addProperty("normalized", normalized);
        JsonObject counts = new JsonObject();
        countsByReason().forEach((k, v) -> counts.addProperty(k.name().toLowerCase(Locale.ROOT), v));
        o.add("removed_by_reason", counts);
        JsonArray rs = new JsonArray();
        for (Removal r : removals) {
            JsonObject j = new JsonObject();
            j.addProperty("source", r.source().toString());
            j.addProperty("reason", r.reason().name().toLowerCase(Locale.ROOT));
            j.addProperty("duplicate_of", r.duplicateOf() == null ? null : r.duplicateOf().toString());
            j.addProperty("similarity", r.similarity());
            j.addProperty("detail", r.detail());
            rs.add(j);
        }
        o.add("removals", rs);
        JsonArray fs = new JsonArray();
        for (Flag f : flags) {
            JsonObject j = new JsonObject();
            j.addProperty("source", f.source().toString());
            j.addProperty("field", f.field());
            j.addProperty("kind", f.kind().name().toLowerCase(Locale.ROOT));
            j.addProperty("match", f.match());
            j.addProperty("action", f.action().name().toLowerCase(Locale.ROOT));
            fs.add(j);
        }
        o.add("flags", fs);
        return new GsonBuilder().disableHtmlEscaping().serializeNulls().create().toJson(o);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(input).append(" examples in, ").append(kept).append(" kept, ").append(removals.size())
                .append(" removed; ").append(normalized).append(" changed by normalisation\n");
        if (!removals.isEmpty()) {
            Table t = new Table("LOCATION", "REMOVED AS", "KEPT INSTEAD", "SIMILARITY", "DETAIL").rightAlign(3);
            for (Removal r : removals) {
                t.row(r.source(), r.reason(), r.duplicateOf() == null ? "" : r.duplicateOf(),
                        r.duplicateOf() == null ? "" : String.format(Locale.ROOT, "%.2f", r.similarity()), r.detail());
            }
            b.append('\n').append(t);
        }
        if (!flags.isEmpty()) {
            Table t = new Table("LOCATION", "FIELD", "FOUND", "MATCH", "ACTION");
            for (Flag f : flags) {
                t.row(f.source(), f.field(), f.kind(), f.match(), f.action());
            }
            b.append('\n').append(t);
        }
        return b.toString().stripTrailing();
    }
}
