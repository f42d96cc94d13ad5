package io.streamlate.schemas.alignment;

import java.util.Arrays;

/**
 * Format v1's quantiser: keeps the weights of one row under a {@link KeepPolicy} and quantises them to 8 bits so
 * that the decoded row has the same argmax (first index on ties) as the original.
 */
final class RowQuantiser {

    private final KeepPolicy policy;

    RowQuantiser(KeepPolicy policy) {
        this.policy = policy;
    }

    /** @param row weights in [0, 1], at least one */
    QuantisedRow quantise(float[] row) {
        int[] columns = KeptColumns.byWeight(row, policy);
        int argmax = columns[0];
        Arrays.sort(columns);

        // 255 * w is exact in double for a float w, so these levels are reproducible in any language.
        int argmaxLevel = (int) Math.ceil(AttentionFormat.LEVELS * (double) row[argmax]);
        int[] levels = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            int column = columns[i];
            if (column == argmax) {
                levels[i] = argmaxLevel;
                continue;
            }
            int level = (int) Math.floor(AttentionFormat.LEVELS * (double) row[column] + 0.5);
            // Rounding the argmax up already keeps later columns at or below it; an earlier column that rounds
            // up to the argmax's level would win the first-index tie-break, so it steps one level down.
            if (column < argmax && level >= argmaxLevel) {
                level = argmaxLevel - 1;
            }
            levels[i] = level;
        }
        return new QuantisedRow(columns, levels);
    }
}
