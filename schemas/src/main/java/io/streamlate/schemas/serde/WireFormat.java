package io.streamlate.schemas.serde;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;

import java.nio.ByteBuffer;
import java.util.OptionalInt;

/**
 * Confluent's wire format for Kafka keys and values: magic byte 0, the writer schema's registry id as a 4-byte
 * big-endian int, then the Avro binary encoding of the datum.
 */
public final class WireFormat {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_BYTES = 5;

    private WireFormat() {
    }

    static byte[] frame(int schemaId, byte[] avro) {
        return ByteBuffer.allocate(HEADER_BYTES + avro.length).put(MAGIC_BYTE).putInt(schemaId).put(avro).array();
    }

    /** The schema id a payload names, or empty if it is not in the wire format (the deserializer says why). */
    public static OptionalInt schemaIdOf(byte[] payload) {
        return payload != null && payload.length >= HEADER_BYTES && payload[0] == MAGIC_BYTE
                ? OptionalInt.of(ByteBuffer.wrap(payload, 1, 4).getInt()) : OptionalInt.empty();
    }

    /** The schema id of a framed payload; {@code where} names the topic for the error message. */
    static int schemaId(byte[] payload, String where) {
        if (payload.length == 0) {
            throw new InvalidPayloadException(Reason.TRUNCATED, "empty payload in " + where);
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new InvalidPayloadException(Reason.WRONG_MAGIC_BYTE, String.format("payload in %s starts with "
                    + "0x%02x, not the magic byte 0 of Confluent's wire format", where, payload[0] & 0xFF));
        }
        if (payload.length < HEADER_BYTES) {
            throw new InvalidPayloadException(Reason.TRUNCATED, "payload in " + where + " is " + payload.length
                    + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }
}
