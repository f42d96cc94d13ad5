package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;

/** Decodes what {@link RangeEncoder} wrote; see there and schemas/README.md. */
final class RangeDecoder {

    private static final int TOP = 1 << 24;

    private final byte[] in;
    private int position;
    private int range = 0xFFFF_FFFF;
    private int code;

    /** Starts reading at {@code offset}: the first four bytes prime the code. */
    RangeDecoder(byte[] in, int offset) {
        this.in = in;
        this.position = offset;
        for (int i = 0; i < 4; i++) {
            code = (code << 8) | nextByte();
        }
    }

    int decode(int[] probabilities, int index) {
        int probability = probabilities[index];
        int bound = (range >>> RangeEncoder.PROBABILITY_BITS) * probability;
        int bit;
        if (Integer.compareUnsigned(code, bound) < 0) {
            range = bound;
            probabilities[index] = probability + (((1 << RangeEncoder.PROBABILITY_BITS) - probability)
                    >>> RangeEncoder.ADAPT_SHIFT);
            bit = 0;
        } else {
            code -= bound;
            range -= bound;
            probabilities[index] = probability - (probability >>> RangeEncoder.ADAPT_SHIFT);
            bit = 1;
        }
        normalise();
        return bit;
    }

    int decodeDirect(int count) {
        int value = 0;
        for (int i = 0; i < count; i++) {
            range >>>= 1;
            int bit = Integer.compareUnsigned(code, range) >= 0 ? 1 : 0;
            if (bit == 1) {
                code -= range;
            }
            value = (value << 1) | bit;
            normalise();
        }
        return value;
    }

    /** After the last symbol: every byte read and the code back at 0, as the encoder's flush leaves it. */
    void finish() {
        if (position < in.length) {
            throw new InvalidPayloadException(Reason.CORRUPT, (in.length - position) + " bytes follow the last row");
        }
        if (code != 0) {
            throw new InvalidPayloadException(Reason.CORRUPT, "the range coder does not end where its encoder "
                    + "stops: the payload is corrupt");
        }
    }

    private void normalise() {
        while (Integer.compareUnsigned(range, TOP) < 0) {
            range <<= 8;
            code = (code << 8) | nextByte();
        }
    }

    private int nextByte() {
        if (position >= in.length) {
            throw new InvalidPayloadException(Reason.TRUNCATED, "payload ends inside the range-coded rows");
        }
        return in[position++] & 0xFF;
    }
}
