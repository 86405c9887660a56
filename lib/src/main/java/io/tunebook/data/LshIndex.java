package io.tunebook.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Locality-sensitive hashing of MinHash signatures: each signature is cut into {@code bands}
 * bands; two signatures that agree on a whole band become candidates.
 */
final class LshIndex {
    private final int bands;
    private final int rows;
    private final Map<Long, List<Integer>> buckets = new HashMap<>();

    LshIndex(int permutations, int bands) {
        if (bands <= 0 || permutations % bands != 0) {
            throw new IllegalArgumentException("bands must divide the number of permutations (" + permutations
                    + "), got " + bands);
        }
        this.bands = bands;
        this.rows = permutations / bands;
    }

    /** The ids added so far that share a band with {@code signature}, in insertion order. */
    Set<Integer> candidates(int[] signature) {
        Set<Integer> out = new LinkedHashSet<>();
        for (int band = 0; band < bands; band++) {
            List<Integer> ids = buckets.get(key(signature, band));
            if (ids != null) {
                out.addAll(ids);
            }
        }
        return out;
    }

    void add(int id, int[] signature) {
        for (int band = 0; band < bands; band++) {
            buckets.computeIfAbsent(key(signature, band), k -> new ArrayList<>(1)).add(id);
        }
    }

    private long key(int[] signature, int band) {
        long h = band * 0x9E3779B97F4A7C15L;
        for (int i = band * rows; i < (band + 1) * rows; i++) {
            h = MinHash.mix(h ^ signature[i]);
        }
        return h;
    }
}
