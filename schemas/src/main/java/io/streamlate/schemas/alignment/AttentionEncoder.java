package io.streamlate.schemas.alignment;

import java.io.ByteArrayOutputStream;

/**
 * Encodes a target x source attention matrix into format v2 of schemas/README.md: levels of 2/255 under a
 * {@link KeepPolicy}, range-coded with probabilities that adapt within the matrix. Thread-safe.
 */
public final class AttentionEncoder {

    private final LevelQuantiser quantiser;

    public AttentionEncoder(KeepPolicy policy) {
        this.quantiser = new LevelQuantiser(policy);
    }

    /**
     * @param matrix rows of equal length with weights in [0, 1]; rows need not sum exactly to 1
     * @throws IllegalArgumentException for ragged rows, weights outside [0, 1] or NaN, or more than
     *                                  {@link AttentionFormat#MAX_CELLS} cells
     */
    public byte[] encode(float[][] matrix) {
        int columns = MatrixShape.validatedColumns(matrix);
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 + matrix.length * 4);
        out.write(AttentionFormat.VERSION);
        Leb128.write(out, matrix.length);
        Leb128.write(out, columns);
        if (matrix.length > 0 && columns > 0) {
            RangeEncoder encoder = new RangeEncoder(out);
            RowWriter rows = new RowWriter(encoder);
            for (float[] row : matrix) {
                rows.write(quantiser.quantise(row));
            }
            encoder.finish();
        }
        return out.toByteArray();
    }
}
