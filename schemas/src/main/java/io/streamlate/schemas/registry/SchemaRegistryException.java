package io.streamlate.schemas.registry;

import java.util.OptionalInt;

/**
 * A schema registry request that failed: the registry answered with an error (then {@link #httpStatus()} and, when
 * its body was Confluent's error JSON, {@link #errorCode()} such as 40401 "subject not found" or 40403 "schema not
 * found"), or it could not be reached within the retries (both empty, the IO error as cause).
 */
public final class SchemaRegistryException extends RuntimeException {

    /** Confluent's error codes this module acts on. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int SCHEMA_NOT_FOUND = 40403;

    private final OptionalInt httpStatus;
    private final OptionalInt errorCode;

    SchemaRegistryException(String request, int httpStatus, OptionalInt errorCode, String registryMessage) {
        super(request + " failed with HTTP " + httpStatus + errorCode.stream().mapToObj(code -> ", error_code "
                + code).findFirst().orElse("") + ": " + registryMessage);
        this.httpStatus = OptionalInt.of(httpStatus);
        this.errorCode = errorCode;
    }

    SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = OptionalInt.empty();
        this.errorCode = OptionalInt.empty();
    }

    public OptionalInt httpStatus() {
        return httpStatus;
    }

    public OptionalInt errorCode() {
        return errorCode;
    }

    /** The schema or subject asked for does not exist (HTTP 404), as opposed to the registry failing. */
    public boolean isNotFound() {
        return httpStatus.equals(OptionalInt.of(404));
    }
}
