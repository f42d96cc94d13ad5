package io.streamlate.schemas.alignment;

import java.util.Arrays;

/** The columns of one row a {@link KeepPolicy} keeps, as both format versions choose them. */
final class KeptColumns {

    private KeptColumns() {
    }

    /**
     * @param row weights in [0, 1], at least one
     * @return the kept columns by weight descending, then index ascending, so the first one is the argmax
     */
    static int[] byWeight(float[] row, KeepPolicy policy) {
        long[] keys = sortedByWeightDescending(row);
        int kept = keptCount(row, keys, policy);
        int[] columns = new int[kept];
        for (int i = 0; i < kept; i++) {
            columns[i] = (int) keys[i];
        }
        return columns;
    }

    /**
     * Each entry packs the inverted weight bits (monotonic for non-negative floats) above the column, so one
     * primitive sort orders by weight descending, then column ascending; the column is in the low 32 bits.
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

    private static int keptCount(float[] row, long[] byWeight, KeepPolicy policy) {
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
