package io.streamlate.schemas.alignment;

import java.io.ByteArrayOutputStream;

/**
 * The binary adaptive range coder of format v2 (schemas/README.md, "Range coder"): LZMA's (11-bit
 * probabilities adapting by 1/32), without LZMA's always-zero first byte. Written by hand because no maintained
 * Java library exposes one: xz-java's is internal to its LZMA encoder and not exported from its module, and
 * general-purpose compressors (zlib, zstd) cannot be fed our own bit probabilities.
 */
final class RangeEncoder implements BitSink {

    static final int PROBABILITY_BITS = 11;
    static final int ADAPT_SHIFT = 5;
    private static final int ONE = 1 << PROBABILITY_BITS;
    private static final int TOP = 1 << 24;

    private final ByteArrayOutputStream out;
    private long low;
    private int range = 0xFFFF_FFFF;
    private int cache;
    private long pending = 1;
    private boolean firstByte = true;

    RangeEncoder(ByteArrayOutputStream out) {
        this.out = out;
    }

    /** Codes {@code bit} with the probability of a 0 at {@code probabilities[index]}, then adapts it. */
    @Override
    public void encode(int[] probabilities, int index, int bit) {
        int probability = probabilities[index];
        int bound = (range >>> PROBABILITY_BITS) * probability;
        if (bit == 0) {
            range = bound;
            probabilities[index] = probability + ((ONE - probability) >>> ADAPT_SHIFT);
        } else {
            low += bound & 0xFFFF_FFFFL;
            range -= bound;
            probabilities[index] = probability - (probability >>> ADAPT_SHIFT);
        }
        while (Integer.compareUnsigned(range, TOP) < 0) {
            range <<= 8;
            shiftLow();
        }
    }

    /** Codes the {@code count} low bits of {@code value}, most significant first, each at probability 1/2. */
    @Override
    public void encodeDirect(int value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            range >>>= 1;
            if (((value >>> i) & 1) != 0) {
                low += range & 0xFFFF_FFFFL;
            }
            while (Integer.compareUnsigned(range, TOP) < 0) {
                range <<= 8;
                shiftLow();
            }
        }
    }

    /** Writes the last bytes; the encoder is spent afterwards. */
    void finish() {
        for (int i = 0; i < 5; i++) {
            shiftLow();
        }
    }

    // LZMA's carry handling: a byte is held back (with a run of 0xFF after it) until it is known whether a later
    // addition to low carries into it.
    private void shiftLow() {
        if (low < 0xFF00_0000L || low > 0xFFFF_FFFFL) {
            int carry = (int) (low >>> 32);
            int held = cache;
            do {
                emit((held + carry) & 0xFF);
                held = 0xFF;
            } while (--pending != 0);
            cache = (int) (low >>> 24) & 0xFF;
        }
        pending++;
        low = (low & 0x00FF_FFFFL) << 8;
    }

    private void emit(int b) {
        if (firstByte) {
            firstByte = false; // always 0: the initial cache, which no carry can reach
            return;
        }
        out.write(b);
    }
}
