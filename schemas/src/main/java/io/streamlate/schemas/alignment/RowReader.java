package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;

/** Reads the rows {@link RowWriter} wrote and turns their levels into weights (schemas/README.md, "Decoding"). */
final class RowReader {

    private final RangeDecoder decoder;
    private final RowContexts contexts = new RowContexts();
    private int previousArgmax = -1;

    RowReader(RangeDecoder decoder) {
        this.decoder = decoder;
    }

    void read(int rowIndex, float[] weights) {
        int columns = weights.length;
        int argmax = previousArgmax + 1 + contexts.argmaxShift.decodeSigned(decoder, columns, "the argmax shift");
        if (argmax < 0 || argmax >= columns) {
            throw new InvalidPayloadException(Reason.CORRUPT, "row " + rowIndex + " names argmax column " + argmax
                    + " of " + columns);
        }
        int[] levels = new int[columns];
        int others = 0;
        int highest = 0;
        boolean neighbourZero = false;
        for (int column = argmax + 1; column < columns; column++) {
            levels[column] = readLevel(false, column - argmax, neighbourZero);
            neighbourZero = levels[column] == 0;
            others += levels[column];
            highest = Math.max(highest, levels[column]);
        }
        neighbourZero = false;
        for (int column = argmax - 1; column >= 0; column--) {
            levels[column] = readLevel(true, argmax - column, neighbourZero);
            neighbourZero = levels[column] == 0;
            others += levels[column];
            highest = Math.max(highest, levels[column]);
        }
        int argmaxLevel = RowWriter.predictedArgmaxLevel(others)
                + contexts.argmaxResidual.decodeSigned(decoder, AttentionFormat.MAX_LEVEL, "the argmax residual");
        if (argmaxLevel < highest || argmaxLevel > AttentionFormat.MAX_LEVEL) {
            throw new InvalidPayloadException(Reason.CORRUPT, "row " + rowIndex + " gives its argmax level "
                    + argmaxLevel + ", expected " + highest + ".." + AttentionFormat.MAX_LEVEL);
        }
        toWeights(levels, argmax, argmaxLevel, weights);
        previousArgmax = argmax;
    }

    private int readLevel(boolean left, int distance, boolean neighbourZero) {
        if (decoder.decode(contexts.zeroFlags, RowContexts.zeroFlag(left, distance, neighbourZero)) == 0) {
            return 0;
        }
        return contexts.level(distance).decodeUnsigned(decoder, AttentionFormat.MAX_LEVEL - 1, "a level") + 1;
    }

    /**
     * Level 0 at the argmax stands for 1/255 so that it stays above the zeros around it; an earlier column with the
     * argmax's level decodes one float32 step below it, so the first-index argmax is the stored one.
     */
    private static void toWeights(int[] levels, int argmax, int argmaxLevel, float[] weights) {
        float top = argmaxLevel == 0 ? 1f / AttentionFormat.LEVELS : 2 * argmaxLevel / (float) AttentionFormat.LEVELS;
        for (int column = 0; column < levels.length; column++) {
            if (column == argmax) {
                weights[column] = top;
            } else if (column < argmax && levels[column] == argmaxLevel && argmaxLevel > 0) {
                weights[column] = Math.nextDown(top);
            } else {
                weights[column] = 2 * levels[column] / (float) AttentionFormat.LEVELS;
            }
        }
    }
}
