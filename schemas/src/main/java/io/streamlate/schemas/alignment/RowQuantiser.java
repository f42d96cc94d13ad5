package io.streamlate.schemas.alignment;

import java.util.Arrays;

/**
 * Chooses the weights of one row to keep under a {@link KeepPolicy} and quantises them to 8 bits so that the
 * decoded row has the same argmax (first index on ties) as the original.
 */
final class RowQuantiser {

    private final KeepPolicy policy;

    RowQuantiser(KeepPolicy policy) {
        this.policy = policy;
    }

    /** @param row weights in [0, 1], at least one */
    QuantisedRow quantise(float[] row) {
        long[] byWeight = sortedByWeightDescending(row);
        int kept = keptCount(row, byWeight);
        int argmax = (int) byWeight[0];
        int[] columns = new int[kept];
        for (int i = 0; i < kept; i++) {
            columns[i] = (int) byWeight[i];
        }
        Arrays.sort(columns);

        // 255 * w is exact in double for a float w, so these levels are reproducible in any language.
        int argmaxLevel = (int) Math.ceil(AttentionFormat.LEVELS * (double) row[argmax]);
        int[] levels = new int[kept];
        for (int i = 0; i < kept; i++) {
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

    /**
     * Columns by weight descending, then index ascending, so the first one is the argmax. Each entry packs the
     * inverted weight bits (monotonic for non-negative floats) above the column, so one primitive sort does it.
     */
    private static long[] sortedByWeightDescending(float[] row) {
        long[] keys = new long[row.length];
        for (int column = 0; column < row.length; column++) {
            int bits = Float.floatToIntBits(row[column] + 0.0f); // + 0.0f turns -0.0 into 0.0
            keys[column] = ((long) (Integer.MAX_VALUE - bits) << 32) | column;
        }
        Arrays.sort(keys);
        for (int i = 0; i < keys.length; i++) {
            keys[i] &= 0xFFFF_FFFFL;
        }
        return keys;
    }

    private int keptCount(float[] row, long[] byWeight) {
        // Summing in the same order as the loop below makes a 1000 permille policy stop exactly at the row's mass.
        double total = 0;
        for (long column : byWeight) {
            total += row[(int) column];
        }
        double target = policy.massPermille() * total;
        double mass = 0;
        int kept = 0;
        int limit = Math.min(policy.maxKept(), row.length);
        while (kept < limit && (kept == 0 || mass * 1000 < target)) {
            mass += row[(int) byWeight[kept]];
            kept++;
        }
        return kept;
    }
}
