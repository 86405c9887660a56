package io.tunebook.model.safetensors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks that the tensors of a header tile the data section exactly, as Hugging Face's reader
 * requires: every range inside the section, no two ranges overlapping, no byte left to no tensor.
 * A hole or trailing bytes usually mean a truncated rewrite or a header that lies.
 */
final class DataLayout {
    private DataLayout() {}

    static void check(Path file, List<TensorEntry> entries, long dataSize) throws SafetensorsException {
        for (TensorEntry e : entries) {
            if (e.end() > dataSize) {
                throw new SafetensorsException(file, e.name(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] out of bounds (data section is " + dataSize + " bytes; is the file truncated?)");
            }
        }
        List<TensorEntry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long covered = 0;
        TensorEntry previous = null;
        for (TensorEntry e : byOffset) {
            if (e.begin() < covered) {
                throw new SafetensorsException(file, e.name(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] overlap tensor " + Quote.of(previous.name()) + " at [" + previous.begin() + ", "
                        + previous.end() + "]");
            }
            if (e.begin() > covered) {
                throw new SafetensorsException(file, e.name(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] leave a hole: bytes [" + covered + ", " + e.begin()
                        + ") of the data section belong to no tensor");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataSize) {
            throw new SafetensorsException(file, "data section is " + dataSize + " bytes but its tensors end at byte "
                    + covered + ": the rest belongs to no tensor");
        }
    }
}
