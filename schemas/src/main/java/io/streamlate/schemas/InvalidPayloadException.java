package io.streamlate.schemas;

/**
 * The one exception for bytes this module cannot decode, with a {@link Reason} so the topology can route the
 * record (e.g. to the dead-letter topic) without inspecting messages or third-party exception classes.
 */
public final class InvalidPayloadException extends RuntimeException {

    /** Why a payload could not be decoded. */
    public enum Reason {
        /** The payload names a format version this code does not know; a newer writer produced it. */
        UNSUPPORTED_VERSION,
        /** The payload ends before its structure does. */
        TRUNCATED,
        /** The payload is structurally invalid: bad checksum, out-of-range field, trailing bytes. */
        CORRUPT
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
