package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;

/**
 * One kind of integer in format v2 with its own adaptive probabilities (schemas/README.md, "Integers"): an
 * unsigned {@code n} is coded as {@code m = n + 1} in adaptive Exp-Golomb: {@code L}, the bit length of {@code m}
 * minus one, in unary ({@code L} ones, then a zero; one context per position, the eighth and later sharing one),
 * then the {@code L} bits of {@code m} below its top bit at probability 1/2. A signed value adds a zero flag and a
 * sign before coding {@code |v| - 1}.
 */
final class AdaptiveInteger {

    private static final int ZERO = 0;
    private static final int SIGN = 1;
    private static final int FIRST_PREFIX = 2;
    private static final int PREFIX_CONTEXTS = 8;

    /** How many probabilities one integer context holds: zero, sign, then the prefix positions. */
    static final int SIZE = FIRST_PREFIX + PREFIX_CONTEXTS;

    private final int[] probabilities;

    /** @param initial the starting probabilities of zero, sign and prefix[0..7], copied */
    AdaptiveInteger(int[] initial) {
        if (initial.length != SIZE) {
            throw new IllegalArgumentException("an integer context has " + SIZE + " probabilities, got "
                    + initial.length);
        }
        this.probabilities = initial.clone();
    }

    void encodeUnsigned(BitSink encoder, int value) {
        int m = value + 1;
        int length = 31 - Integer.numberOfLeadingZeros(m);
        for (int i = 0; i < length; i++) {
            encoder.encode(probabilities, prefixContext(i), 1);
        }
        encoder.encode(probabilities, prefixContext(length), 0);
        encoder.encodeDirect(m, length);
    }

    /** @param maxValue the largest legal value; a longer prefix is corrupt, so a hostile payload cannot loop */
    int decodeUnsigned(RangeDecoder decoder, int maxValue, String what) {
        int maxLength = 31 - Integer.numberOfLeadingZeros(maxValue + 1);
        int length = 0;
        while (decoder.decode(probabilities, prefixContext(length)) == 1) {
            length++;
            if (length > maxLength) {
                throw new InvalidPayloadException(Reason.CORRUPT, what + " exceeds " + maxValue);
            }
        }
        int value = ((1 << length) | decoder.decodeDirect(length)) - 1;
        if (value > maxValue) {
            throw new InvalidPayloadException(Reason.CORRUPT, what + " " + value + " exceeds " + maxValue);
        }
        return value;
    }

    void encodeSigned(BitSink encoder, int value) {
        encoder.encode(probabilities, ZERO, value == 0 ? 0 : 1);
        if (value != 0) {
            encoder.encode(probabilities, SIGN, value < 0 ? 1 : 0);
            encodeUnsigned(encoder, Math.abs(value) - 1);
        }
    }

    /** @param maxMagnitude the largest legal absolute value */
    int decodeSigned(RangeDecoder decoder, int maxMagnitude, String what) {
        if (decoder.decode(probabilities, ZERO) == 0) {
            return 0;
        }
        boolean negative = decoder.decode(probabilities, SIGN) == 1;
        int magnitude = decodeUnsigned(decoder, Math.max(0, maxMagnitude - 1), what) + 1;
        return negative ? -magnitude : magnitude;
    }

    /** The live probabilities, for a {@link BitSink} that tells contexts apart by which array a bit uses. */
    int[] probabilities() {
        return probabilities;
    }

    private static int prefixContext(int position) {
        return FIRST_PREFIX + Math.min(position, PREFIX_CONTEXTS - 1);
    }
}
