package io.streamlate.schemas.alignment;

/** Writes the rows of one format v2 matrix into a range coder (schemas/README.md, "Rows"). */
final class RowWriter {

    private final BitSink encoder;
    private final RowContexts contexts;
    private int previousArgmax = -1;

    RowWriter(BitSink encoder) {
        this(encoder, new RowContexts());
    }

    /** @param contexts fresh contexts, for a sink that needs to know them */
    RowWriter(BitSink encoder, RowContexts contexts) {
        this.encoder = encoder;
        this.contexts = contexts;
    }

    void write(RowLevels row) {
        int argmax = row.argmax();
        int[] levels = row.levels();
        contexts.argmaxShift.encodeSigned(encoder, argmax - (previousArgmax + 1));
        int others = 0;
        boolean neighbourZero = false;
        for (int column = argmax + 1; column < levels.length; column++) {
            writeLevel(levels[column], false, column - argmax, neighbourZero);
            neighbourZero = levels[column] == 0;
            others += levels[column];
        }
        neighbourZero = false;
        for (int column = argmax - 1; column >= 0; column--) {
            writeLevel(levels[column], true, argmax - column, neighbourZero);
            neighbourZero = levels[column] == 0;
            others += levels[column];
        }
        contexts.argmaxResidual.encodeSigned(encoder, levels[argmax] - predictedArgmaxLevel(others));
        previousArgmax = argmax;
    }

    /** A softmax row's levels add up to about 127.5, so the others predict the argmax's level. */
    static int predictedArgmaxLevel(int otherLevels) {
        return Math.max(0, Math.min(AttentionFormat.MAX_LEVEL, AttentionFormat.MAX_LEVEL + 1 - otherLevels));
    }

    private void writeLevel(int level, boolean left, int distance, boolean neighbourZero) {
        encoder.encode(contexts.zeroFlags, RowContexts.zeroFlag(left, distance, neighbourZero), level == 0 ? 0 : 1);
        if (level != 0) {
            contexts.level(distance).encodeUnsigned(encoder, level - 1);
        }
    }
}
