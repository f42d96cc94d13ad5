package io.streamlate.model.onnx;

/**
 * One top-k decoder step for B rows: each row's k best tokens, best first (the lower id first among equal
 * log-probabilities, as ONNX's TopK orders them), copied to the Java heap.
 *
 * @param logProbs  [B,k] the k best log-probabilities of each row
 * @param ids       [B*k] their token ids, row-major
 * @param state     next decoder state [B,H]
 * @param attention [B,S] attention over the padded source; row sums are 1 and pads get 0
 */
public record TopKStep(FloatMatrix logProbs, int[] ids, FloatMatrix state, FloatMatrix attention) {

    public int k() {
        return logProbs.columns();
    }

    public int id(int row, int rank) {
        return ids[row * logProbs.columns() + rank];
    }
}
