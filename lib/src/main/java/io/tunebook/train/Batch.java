package io.tunebook.train;

/**
 * A micro-batch of equal-length rows. Labels are usually the input ids, with {@code -100} where no
 * loss is wanted (padding, prompts); the loss shifts them by one itself.
 */
public record Batch(long[][] inputIds, long[][] labels) {
    public Batch {
        if (inputIds.length == 0 || inputIds.length != labels.length) {
            throw new IllegalArgumentException("a batch needs as many label rows as input rows, and at least one");
        }
        int len = inputIds[0].length;
        for (int i = 0; i < inputIds.length; i++) {
            if (inputIds[i].length != len || labels[i].length != len) {
                throw new IllegalArgumentException("batch row " + i + " has a different length than row 0");
            }
        }
    }

    public int rows() {
        return inputIds.length;
    }

    public int length() {
        return inputIds[0].length;
    }

    long[] flatInputs() {
        return flat(inputIds);
    }

    long[] flatLabels() {
        return flat(labels);
    }

    private static long[] flat(long[][] rows) {
        int len = rows[0].length;
        long[] out = new long[rows.length * len];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * len, len);
        }
        return out;
    }
}
