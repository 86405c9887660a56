package io.tunebook.display;

import io.tunebook.train.Provenance;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A run's {@link Provenance} as a block a shared notebook keeps under its training cell: which
 * code (version, commit), runtime (engine, natives, threads, device) and seed made the run, and the
 * sha256 of every file that went in or came out.
 */
public final class ProvenanceView implements Displayable {
    private static final List<String> SHOWN = List.of("tunebook_version", "git_commit", "git_dirty", "engine",
            "natives", "threads", "device", "cpu", "java", "os");
    private final Provenance provenance;

    private ProvenanceView(Provenance provenance) {
        this.provenance = provenance;
    }

    public static ProvenanceView of(Provenance provenance) {
        return new ProvenanceView(provenance);
    }

    /** Code, runtime and seed: what must be equal for the same losses. */
    public Table runtime() {
        StringColumn key = StringColumn.create("setting");
        StringColumn value = StringColumn.create("value");
        Map<String, String> r = provenance.runtime();
        for (String k : SHOWN) {
            key.append(k.replace('_', ' '));
            value.append(r.get(k) == null ? "unknown" : r.get(k));
        }
        key.append("seed");
        value.append(Long.toString(provenance.seed()));
        key.append("made by");
        value.append(provenance.origin().equals("train") ? "tunebook train (re-run it with tunebook verify)"
                : "code (a notebook or the library)");
        return Table.create("Provenance: code, runtime, seed", key, value);
    }

    /** Every recorded file and its sha256; undeclared data said so. */
    public Table files() {
        StringColumn role = StringColumn.create("role");
        StringColumn file = StringColumn.create("file");
        StringColumn sha = StringColumn.create("sha256");
        provenance.hashes().forEach((k, v) -> {
            int colon = k.indexOf(": ");
            role.append(k.substring(0, colon));
            file.append(k.substring(colon + 2));
            sha.append(v);
        });
        if (provenance.json().getAsJsonArray("data").isEmpty()) {
            role.append("data");
            file.append("not declared (Trainer.builder().provenance(Provenance.inputs().data(...)))");
            sha.append("");
        }
        return Table.create("Provenance: files (" + Provenance.FILE + ")", role, file, sha);
    }

    @Override
    public MimeBundle mimeBundle() {
        return MimeBundle.text(toString()).withHtml(Tables.section(null, Tables.html(runtime()), Tables.html(files())));
    }

    @Override
    public String toString() {
        return (Tables.text(runtime()) + "\n" + Tables.text(files())).stripTrailing();
    }
}
