package io.streamlate.schemas;

/**
 * The one exception for bytes this module cannot decode, with a {@link Reason} so the topology can route the
 * record (e.g. to the dead-letter topic) without inspecting messages or third-party exception classes. Thrown by
 * the attention codec and by the Avro deserializers of {@code io.streamlate.schemas.serde}.
 */
public final class InvalidPayloadException extends RuntimeException {

    /** Why a payload could not be decoded. */
    public enum Reason {
        /** The payload names a format version this code does not know; a newer writer produced it. */
        UNSUPPORTED_VERSION,
        /** The payload ends before its structure does. */
        TRUNCATED,
        /** The payload is structurally invalid: bad checksum, out-of-range field, trailing bytes. */
        CORRUPT,
        /** A Kafka value or key does not start with the Confluent wire format's magic byte 0. */
        WRONG_MAGIC_BYTE,
        /** The schema id in a Kafka value or key is not in the schema registry. */
        UNKNOWN_SCHEMA_ID,
        /** The writer's schema cannot be resolved against the reader's (Avro schema resolution fails). */
        INCOMPATIBLE_SCHEMA,
        /** A Kafka value or key is larger than the configured maximum, so it is not decoded at all. */
        OVERSIZED
    }

    private final Reason reason;

    public InvalidPayloadException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InvalidPayloadException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }
}
