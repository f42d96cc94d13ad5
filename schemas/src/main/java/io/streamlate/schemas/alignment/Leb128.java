package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Unsigned LEB128 varints holding non-negative Java ints: 7 bits per byte, least significant first. */
final class Leb128 {

    private static final int MAX_BYTES = 5;

    private Leb128() {
    }

    static void write(ByteArrayOutputStream out, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("varints here are unsigned, got " + value);
        }
        int rest = value;
        while (rest >= 0x80) {
            out.write((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    /** Reads one varint; {@code what} names the field in error messages. */
    static int read(ByteBuffer in, String what) {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (!in.hasRemaining()) {
                throw new InvalidPayloadException(Reason.TRUNCATED, "payload ends inside " + what);
            }
            int b = in.get() & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value > Integer.MAX_VALUE) {
                    break;
                }
                return (int) value;
            }
        }
        throw new InvalidPayloadException(Reason.CORRUPT, what + " is not a varint below 2^31");
    }
}
