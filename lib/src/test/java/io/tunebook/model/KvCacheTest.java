package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The in-place cache holds what growing by concatenation held, across its buffer's boundaries, and
 * after rows leave, columns are cut and rows join.
 */
class KvCacheTest {
    private static final int LAYERS = 2;
    private static final int HEADS = 2;
    private static final int DIM = 4;
    private final Random random = new Random(11);

    private NDArray step(NDManager m, int rows, int seq) {
        float[] data = new float[rows * HEADS * seq * DIM];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat() - 0.5f;
        }
        return Tensors.of(m, data, new Shape(rows, HEADS, seq, DIM));
    }

    /** Appends one step to every layer (layer l gets {@code k + l}, values {@code -k}) and returns layer 0's view of the keys. */
    private static NDList appendAll(KvCache cache, NDArray k) {
        NDList first = null;
        for (int l = 0; l < LAYERS; l++) {
            NDList kv = cache.append(l, k.add(l), k.neg());
            first = first == null ? kv : first;
        }
        return first;
    }

    @Test
    void writtenInPlaceEqualsGrownByConcatenation() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvCache cache = new KvCache(m, LAYERS);
            List<NDArray> appended = new ArrayList<>();
            int[] seqs = {3, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 4, 1};
            int grownPast = 0;
            for (int seq : seqs) {
                NDArray k = step(m, 2, seq);
                appended.add(k);
                int before = cache.capacity();
                NDList kv = appendAll(cache, k);
                NDArray expected = NDArrays.concat(new NDList(appended), 2);
                assertArrayEquals(expected.toFloatArray(), kv.get(0).toFloatArray());
                assertArrayEquals(expected.neg().toFloatArray(), kv.get(1).toFloatArray());
                assertEquals(expected.getShape(), kv.get(0).getShape());
                if (before > 0 && cache.capacity() > before) {
                    grownPast++;
                }
            }
            assertEquals(19, cache.length());
            assertTrue(grownPast >= 2, "the buffer grew while in use " + grownPast + " times");
            cache.close();
        }
    }

    @Test
    void reservedRoomIsUsedWithoutGrowing() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvCache cache = new KvCache(m, LAYERS);
            appendAll(cache, step(m, 1, 5));
            cache.reserve(12);
            assertEquals(12, cache.capacity());
            for (int i = 0; i < 7; i++) {
                appendAll(cache, step(m, 1, 1));
            }
            assertEquals(12, cache.length());
            assertEquals(12, cache.capacity());
            cache.close();
        }
    }

    @Test
    void rowsLeaveColumnsAreCutAndRowsJoinThenDecodingContinues() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvCache cache = new KvCache(m, LAYERS);
            NDArray a = step(m, 3, 4);
            appendAll(cache, a);
            cache.reserve(16);
            NDArray b = step(m, 3, 1);
            appendAll(cache, b);
            NDArray all = a.concat(b, 2); // [3, heads, 5, dim]

            cache.keepRows(new int[] {2, 0}, 0);
            NDArray kept = all.get("2:3").concat(all.get("0:1"), 0);
            NDArray c = step(m, 2, 1);
            NDList kv = appendAll(cache, c); // the slot after a rebuild must be written exactly
            NDArray expected = kept.concat(c, 2);
            assertArrayEquals(expected.toFloatArray(), kv.get(0).toFloatArray());

            cache.keepRows(new int[] {1, 0}, 2); // swapped, and the first two columns cut
            NDArray d = step(m, 2, 1);
            kv = appendAll(cache, d);
            expected = expected.get("1:2").concat(expected.get("0:1"), 0).get(":, :, 2:").concat(d, 2);
            assertArrayEquals(expected.toFloatArray(), kv.get(0).toFloatArray());
            assertEquals(5, cache.length());

            KvCache joining = new KvCache(m, LAYERS);
            NDArray e = step(m, 1, 3);
            appendAll(joining, e);
            cache.appendRows(joining, 6);
            NDArray f = step(m, 3, 1);
            kv = appendAll(cache, f);
            NDArray padded = m.zeros(new Shape(1, HEADS, 2, DIM)).concat(e, 2); // right-aligned below
            expected = expected.concat(padded, 0).concat(f, 2);
            assertArrayEquals(expected.toFloatArray(), kv.get(0).toFloatArray());
            assertEquals(new Shape(3, HEADS, 6, DIM), kv.get(0).getShape());

            cache.keepRows(new int[0], 0);
            assertEquals(0, cache.length());
            cache.close();
        }
    }

    @Test
    void aRowWrittenInAFinishedRowsPlaceAndAWidenedCacheHoldWhatTheyShould() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvCache cache = new KvCache(m, LAYERS);
            NDArray a = step(m, 2, 5);
            appendAll(cache, a);
            cache.reserve(16);
            KvCache joining = new KvCache(m, LAYERS);
            NDArray e = step(m, 2, 3);
            appendAll(joining, e);

            cache.putRow(1, joining, 1, 3); // joining's second row, right-aligned in row 1
            NDArray f = step(m, 2, 1);
            NDList kv = appendAll(cache, f);
            // Row 1's first two positions still hold the finished row's keys: the caller masks them as padding.
            NDArray row1 = a.get("1:2, :, 0:2").concat(e.get("1:2"), 2);
            NDArray expected = a.get("0:1").concat(row1, 0).concat(f, 2);
            assertArrayEquals(expected.toFloatArray(), kv.get(0).toFloatArray());
            assertEquals(16, cache.capacity()); // in place: no regrowth

            cache.widen(8, 12);
            NDArray g = step(m, 2, 1);
            kv = appendAll(cache, g);
            expected = m.zeros(new Shape(2, HEADS, 2, DIM)).concat(expected, 2).concat(g, 2);
            assertArrayEquals(expected.toFloatArray(), kv.get(0).toFloatArray());
            assertEquals(9, cache.length());
            assertEquals(12, cache.capacity());

            KvCache selected = cache.selectRows(new int[] {1});
            assertEquals(1, selected.rows());
            NDArray h = step(m, 1, 1);
            assertArrayEquals(expected.get("1:2").concat(h, 2).toFloatArray(), appendAll(selected, h).get(0).toFloatArray());
            joining.close();
            selected.close();
            cache.close();
        }
    }
}
