package io.streamlate.model.onnx;

/** A row-major [rows, columns] float block copied out of a tensor, so no native memory outlives a step. */
public record FloatMatrix(float[] data, int rows, int columns) {

    public FloatMatrix {
        if (data.length != rows * columns) {
            throw new IllegalArgumentException(data.length + " values cannot be " + rows + " x " + columns);
        }
    }

    public float get(int row, int column) {
        return data[row * columns + column];
    }

    /** A copy of the first {@code length} values of a row. */
    public float[] rowPrefix(int row, int length) {
        float[] out = new float[length];
        System.arraycopy(data, row * columns, out, 0, length);
        return out;
    }

    /** The rows listed, in that order (rows may repeat). */
    public FloatMatrix gatherRows(int[] rowIndices) {
        float[] out = new float[rowIndices.length * columns];
        for (int i = 0; i < rowIndices.length; i++) {
            System.arraycopy(data, rowIndices[i] * columns, out, i * columns, columns);
        }
        return new FloatMatrix(out, rowIndices.length, columns);
    }
}
