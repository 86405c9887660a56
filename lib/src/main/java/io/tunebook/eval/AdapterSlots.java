package io.tunebook.eval;

import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The adapters of an evaluation, all on their one base: adapter directories are loaded beside each
 * other into one {@link LoraModel} per base model (the caller's, when a {@link Candidate.Lora} brings
 * one), and each candidate's turn switches, merges or disables them. Closing frees what was loaded
 * and gives the caller's LoraModels back as they were.
 */
final class AdapterSlots implements AutoCloseable {
    private static final String PREFIX = "tunebook_eval_";

    private final Map<CausalLM, LoraModel> byModel = new IdentityHashMap<>();
    private final List<LoraModel> owned = new ArrayList<>();
    private final Map<String, String> adapterOf = new HashMap<>();
    private final List<Runnable> undo = new ArrayList<>();

    AdapterSlots(List<Candidate> candidates) {
        try {
            for (Candidate c : candidates) {
                if (c instanceof Candidate.Lora l) {
                    LoraModel other = byModel.putIfAbsent(l.lora().model(), l.lora());
                    if (other != null && other != l.lora()) {
                        throw new IllegalArgumentException("candidate " + c.name() + ": its model carries another "
                                + "LoraModel already");
                    }
                    String active = l.lora().activeAdapter();
                    undo.add(() -> l.lora().setAdapter(active));
                }
            }
            for (Candidate c : candidates) {
                if (c instanceof Candidate.Adapter a) {
                    load(c.name(), a.base(), a.adapterDir());
                } else if (c instanceof Candidate.Merged m) {
                    load(c.name(), m.base(), m.adapterDir());
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void load(String candidate, CausalLM base, Path dir) {
        LoraModel lora = byModel.get(base);
        String name;
        if (lora == null) {
            lora = LoraModel.load(base, dir);
            name = LoraModel.DEFAULT_ADAPTER;
            byModel.put(base, lora);
            owned.add(lora);
        } else {
            name = PREFIX + adapterOf.size();
            lora.loadAdapter(dir, name);
            if (!owned.contains(lora)) {
                LoraModel callers = lora;
                undo.add(() -> callers.deleteAdapter(name));
            }
        }
        adapterOf.put(candidate, name);
    }

    /** {@code work} on the candidate's model, set up as the candidate says; local candidates only. */
    <T> T with(Candidate c, Function<CausalLM, T> work) {
        if (c instanceof Candidate.Model m) {
            LoraModel lora = byModel.get(m.model());
            if (lora == null) {
                return work.apply(m.model());
            }
            try (LoraModel.DisabledAdapters off = lora.disableAdapters()) {
                return work.apply(m.model());
            }
        } else if (c instanceof Candidate.Adapter a) {
            byModel.get(a.base()).setAdapter(adapterOf.get(c.name()));
            return work.apply(a.base());
        } else if (c instanceof Candidate.Merged m) {
            LoraModel lora = byModel.get(m.base());
            lora.setAdapter(adapterOf.get(c.name()));
            lora.merge();
            try {
                return work.apply(m.base());
            } finally {
                lora.unmerge();
            }
        } else if (c instanceof Candidate.Lora l) {
            l.lora().setAdapter(l.adapterName());
            return work.apply(l.lora().model());
        }
        throw new IllegalArgumentException("candidate " + c.name() + " is not a local model");
    }

    @Override
    public void close() {
        List<Runnable> steps = new ArrayList<>(undo);
        Collections.reverse(steps);
        steps.forEach(Runnable::run);
        undo.clear();
        owned.forEach(LoraModel::close);
        owned.clear();
    }
}
