package io.streamlate.schemas.alignment;

/** The checks both encoders make on a matrix before writing it. */
final class MatrixShape {

    private MatrixShape() {
    }

    /**
     * @return the column count of a matrix of equal rows, weights in [0, 1], at most {@link AttentionFormat#MAX_CELLS}
     * @throws IllegalArgumentException naming the first row or weight that breaks a rule
     */
    static int validatedColumns(float[][] matrix) {
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
