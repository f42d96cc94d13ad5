package io.streamlate.schemas.alignment;

import java.util.Random;

/** Attention-like matrices for the codec tests. */
final class Matrices {

    private Matrices() {
    }

    /**
     * Rows of softmax(logits / temperature): a low temperature gives the peaky rows of a trained model,
     * a high one the flat rows of an untrained one.
     */
    static float[][] softmaxRows(Random random, int rows, int columns, double temperature) {
        float[][] matrix = new float[rows][columns];
        for (float[] row : matrix) {
            double[] exp = new double[columns];
            double sum = 0;
            for (int c = 0; c < columns; c++) {
                exp[c] = Math.exp(random.nextGaussian() / temperature);
                sum += exp[c];
            }
            for (int c = 0; c < columns; c++) {
                row[c] = (float) (exp[c] / sum);
            }
        }
        return matrix;
    }

    /** Index of the largest weight, the first one on ties. */
    static int argmax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }
}
