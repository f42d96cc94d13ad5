package io.streamlate.schemas.alignment;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * Encodes a target x source attention matrix into the compressed format of schemas/README.md. Thread-safe.
 */
public final class AttentionEncoder {

    private final KeepPolicy policy;
    private final RowQuantiser quantiser;

    public AttentionEncoder(KeepPolicy policy) {
        this.policy = policy;
        this.quantiser = new RowQuantiser(policy);
    }

    /**
     * @param matrix rows of equal length with weights in [0, 1]; rows need not sum exactly to 1
     * @throws IllegalArgumentException for ragged rows, weights outside [0, 1] or NaN, or more than
     *                                  {@link AttentionFormat#MAX_CELLS} cells
     */
    public byte[] encode(float[][] matrix) {
        byte[] body = body(matrix);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
        out.write(AttentionFormat.VERSION);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(body);
            deflater.finish();
            byte[] buffer = new byte[Math.max(64, body.length)];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    /** The uncompressed body: header varints, then each row's kept columns and levels. */
    byte[] body(float[][] matrix) {
        int columns = validatedColumns(matrix);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + matrix.length * 8);
        Leb128.write(out, matrix.length);
        Leb128.write(out, columns);
        Leb128.write(out, policy.massPermille());
        Leb128.write(out, policy.maxKept());
        if (columns == 0) {
            return out.toByteArray();
        }
        for (float[] row : matrix) {
            QuantisedRow kept = quantiser.quantise(row);
            Leb128.write(out, kept.columns().length);
            int previous = -1;
            for (int column : kept.columns()) {
                Leb128.write(out, column - previous - 1);
                previous = column;
            }
            for (int level : kept.levels()) {
                out.write(level);
            }
        }
        return out.toByteArray();
    }

    private static int validatedColumns(float[][] matrix) {
        if (matrix == null) {
            throw new IllegalArgumentException("matrix must not be null");
        }
        int columns = matrix.length == 0 ? 0 : lengthOf(matrix[0], 0);
        if ((long) matrix.length * Math.max(columns, 1) > AttentionFormat.MAX_CELLS) {
            throw new IllegalArgumentException(matrix.length + " x " + columns + " exceeds "
                    + AttentionFormat.MAX_CELLS + " cells");
        }
        for (int r = 0; r < matrix.length; r++) {
            if (lengthOf(matrix[r], r) != columns) {
                throw new IllegalArgumentException("row " + r + " has " + matrix[r].length
                        + " columns, row 0 has " + columns);
            }
            for (int c = 0; c < columns; c++) {
                float weight = matrix[r][c];
                if (!(weight >= 0f && weight <= 1f)) {
                    throw new IllegalArgumentException("weight [" + r + "][" + c + "] = " + weight
                            + " is not in [0, 1]");
                }
            }
        }
        return columns;
    }

    private static int lengthOf(float[] row, int index) {
        if (row == null) {
            throw new IllegalArgumentException("row " + index + " is null");
        }
        return row.length;
    }
}
