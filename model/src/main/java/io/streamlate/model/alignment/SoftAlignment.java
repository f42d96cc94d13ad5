package io.streamlate.model.alignment;

import java.util.List;

/** The soft alignment matrix: one attention row per target subword, one column per source subword. */
public final class SoftAlignment {

    private SoftAlignment() {
    }

    /**
     * The decoder's rows without the EOS row: EOS is not a target subword, so its row aligns nothing.
     * The rows are already trimmed to the sentence's source length by the search.
     */
    public static float[][] forTargetPieces(List<float[]> decoderRows, int targetPieces) {
        if (decoderRows.size() < targetPieces) {
            throw new IllegalArgumentException(decoderRows.size() + " attention rows for " + targetPieces + " pieces");
        }
        float[][] matrix = new float[targetPieces][];
        for (int row = 0; row < targetPieces; row++) {
            matrix[row] = decoderRows.get(row).clone();
        }
        return matrix;
    }
}
