package io.tunebook.train;

/**
 * A micro-batch of equal-length rows. Labels are usually the input ids, with {@code -100} where no
 * loss is wanted (padding, prompts); the loss shifts them by one itself.
 *
 * <p>A packed batch lays several sequences end to end in each row: {@code positionIds} restart at 0
 * with each sequence and {@code segmentIds} say which sequence each token belongs to, so that the
 * model attends within a sequence only ({@link io.tunebook.model.Transformer#forwardPacked}). Both
 * are null in an ordinary batch, whose rows are one sequence each.
 */
public record Batch(long[][] inputIds, long[][] labels, long[][] positionIds, long[][] segmentIds) {
    public Batch {
        if (inputIds.length == 0 || inputIds.length != labels.length) {
            throw new IllegalArgumentException("a batch needs as many label rows as input rows, and at least one");
        }
        if ((positionIds == null) != (segmentIds == null)) {
            throw new IllegalArgumentException("a packed batch needs both position and segment ids");
        }
        int len = inputIds[0].length;
        for (int i = 0; i < inputIds.length; i++) {
            if (inputIds[i].length != len || labels[i].length != len || positionIds != null
                    && (positionIds[i].length != len || segmentIds[i].length != len)) {
                throw new IllegalArgumentException("batch row " + i + " has a different length than row 0");
            }
        }
        if (positionIds != null && (positionIds.length != inputIds.length || segmentIds.length != inputIds.length)) {
            throw new IllegalArgumentException("a packed batch needs position and segment ids for every row");
        }
    }

    /** An ordinary batch: one sequence a row, positions from 0. */
    public Batch(long[][] inputIds, long[][] labels) {
        this(inputIds, labels, null, null);
    }

    public boolean isPacked() {
        return segmentIds != null;
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

    long[] flatPositions() {
        return flat(positionIds);
    }

    long[] flatSegments() {
        return flat(segmentIds);
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
