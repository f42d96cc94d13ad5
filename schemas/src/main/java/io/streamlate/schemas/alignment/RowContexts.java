package io.streamlate.schemas.alignment;

/**
 * The adaptive probabilities of one format v2 matrix, fresh for each matrix and shared by all its rows
 * (schemas/README.md, "Rows"). Encoder and decoder build the same ones and update them identically.
 */
final class RowContexts {

    /** Distances from the argmax are told apart up to this one; farther columns share its contexts. */
    static final int DISTANCES = 3;

    final AdaptiveInteger argmaxShift = new AdaptiveInteger();
    final AdaptiveInteger argmaxResidual = new AdaptiveInteger();
    final int[] zeroFlags = AdaptiveInteger.newProbabilities(2 * DISTANCES * 2);
    private final AdaptiveInteger[] levels = new AdaptiveInteger[DISTANCES];

    RowContexts() {
        for (int i = 0; i < DISTANCES; i++) {
            levels[i] = new AdaptiveInteger();
        }
    }

    /**
     * @param left          whether the column is left of the argmax
     * @param distance      |column - argmax|, at least 1
     * @param neighbourZero whether the column next to it on the argmax's side has level 0
     */
    static int zeroFlag(boolean left, int distance, boolean neighbourZero) {
        return ((left ? 1 : 0) * DISTANCES + Math.min(distance, DISTANCES) - 1) * 2 + (neighbourZero ? 1 : 0);
    }

    AdaptiveInteger level(int distance) {
        return levels[Math.min(distance, DISTANCES) - 1];
    }
}
