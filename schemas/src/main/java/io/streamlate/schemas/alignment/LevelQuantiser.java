package io.streamlate.schemas.alignment;

/**
 * Format v2's quantiser: keeps the weights of one row under a {@link KeepPolicy} and rounds each kept weight to
 * the nearest multiple of 2/255, so it is off by at most 1/255. Rounding is monotonic, so no column gets a level
 * above the argmax's; the decoder resolves equal levels in the argmax's favour.
 */
final class LevelQuantiser {

    private final KeepPolicy policy;

    LevelQuantiser(KeepPolicy policy) {
        this.policy = policy;
    }

    /** @param row weights in [0, 1], at least one */
    RowLevels quantise(float[] row) {
        int[] kept = KeptColumns.byWeight(row, policy);
        int[] levels = new int[row.length];
        for (int column : kept) {
            levels[column] = level(row[column]);
        }
        return new RowLevels(kept[0], levels);
    }

    // 255 * w / 2 is exact in double for a float w, so these levels are reproducible in any language.
    private static int level(float weight) {
        int nearest = (int) Math.floor(AttentionFormat.LEVELS * (double) weight / 2 + 0.5);
        return Math.min(AttentionFormat.MAX_LEVEL, nearest);
    }
}
