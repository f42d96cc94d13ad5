package io.streamlate.schemas.alignment;

/**
 * Where format v2's row coding sends its bits: the {@link RangeEncoder}, or a {@link ContextBitCounter} that
 * counts them per context to train the starting probabilities, so both go through the one {@link RowWriter}.
 */
interface BitSink {

    /** One bit whose chance of being 0 is {@code probabilities[index]}, which then adapts to it. */
    void encode(int[] probabilities, int index, int bit);

    /** The {@code count} low bits of {@code value}, most significant first, each at probability 1/2. */
    void encodeDirect(int value, int count);
}
