package io.streamlate.topology.processing;

import io.streamlate.model.TranslationException;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.avro.ErrorClass;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The error headers of Kafka Streams' own dead-letter records (KIP-1034, Kafka 4.2+), so that tooling built for that
 * convention reads our dead letters too: UTF-8 strings, partition and offset in decimal. Kafka Streams writes them in
 * an internal class ({@code ExceptionHandlerUtils}), not an API, so the names are declared here.
 */
public final class DeadLetterHeaders {

    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";

    private DeadLetterHeaders() {
    }

    /** The headers of an input the engine failed: the exception thrown, with its stack trace. */
    static Headers failed(PendingInput input, RuntimeException error) {
        Headers headers = of(input, error.getClass().getName(), String.valueOf(error.getMessage()));
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        return headers.add(STACKTRACE, utf8(trace.toString()));
    }

    /**
     * The headers of an input rejected before translation. No exception reached the processor, so the header names
     * the exception of the same failure where it would be thrown: the serde's for an undecodable value, the engine's
     * for text it refuses (empty, too long, an unsupported pair).
     */
    static Headers rejected(PendingInput input, ErrorClass errorClass, String reason) {
        Class<? extends RuntimeException> exception = errorClass == ErrorClass.DESERIALIZATION
                ? InvalidPayloadException.class : TranslationException.class;
        return of(input, exception.getName(), reason);
    }

    private static Headers of(PendingInput input, String exceptionClass, String message) {
        return new RecordHeaders()
                .add(EXCEPTION, utf8(exceptionClass))
                .add(MESSAGE, utf8(message))
                .add(TOPIC, utf8(input.topic()))
                .add(PARTITION, utf8(Integer.toString(input.partition())))
                .add(OFFSET, utf8(Long.toString(input.offset())));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
