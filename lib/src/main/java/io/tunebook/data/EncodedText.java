package io.tunebook.data;

/**
 * Token ids of a text and, for each token, the span {@code [start, end)} of the text it came from,
 * in Java {@code char} indices.
 */
public record EncodedText(long[] ids, int[] starts, int[] ends) {
    public EncodedText {
        if (ids.length != starts.length || ids.length != ends.length) {
            throw new IllegalArgumentException("ids, starts and ends must have one entry per token, got "
                    + ids.length + ", " + starts.length + ", " + ends.length);
        }
    }

    public int size() {
        return ids.length;
    }
}
