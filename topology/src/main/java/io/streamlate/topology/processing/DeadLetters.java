package io.streamlate.topology.processing;

import io.streamlate.model.TranslationException;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.ErrorClass;

import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds {@link DeadLetter} records: the original bytes and coordinates, an error class and a readable reason. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** A record rejected before it became pending (undecodable or invalid). */
    public static DeadLetter of(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp,
                                ErrorClass errorClass, String reason, long failedAtMs) {
        return DeadLetter.newBuilder()
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setTimestamp(Instant.ofEpochMilli(timestamp))
                .setErrorClass(errorClass)
                .setReason(reason)
                .setFailedAt(Instant.ofEpochMilli(failedAtMs))
                .build();
    }

    /** A pending input the engine failed. */
    public static DeadLetter of(PendingInput input, RuntimeException error, long failedAtMs) {
        return of(input.key(), input.value(), input.topic(), input.partition(), input.offset(), input.timestamp(),
                errorClass(error), String.valueOf(error.getMessage()), failedAtMs);
    }

    /** The engine's reason as a DeadLetter error class: INFERENCE_FAILED for anything not the input's fault. */
    static ErrorClass errorClass(RuntimeException error) {
        if (error instanceof TranslationException translation) {
            return switch (translation.reason()) {
                case EMPTY_INPUT -> ErrorClass.EMPTY_TEXT;
                case INPUT_TOO_LONG -> ErrorClass.TEXT_TOO_LONG;
                case UNSUPPORTED_LANGUAGE_PAIR -> ErrorClass.UNSUPPORTED_LANGUAGE_PAIR;
                default -> ErrorClass.INFERENCE_FAILED;
            };
        }
        return ErrorClass.INFERENCE_FAILED;
    }
}
