package io.streamlate.topology.processing;

import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.registry.SchemaRegistryException;

/** What reading one raw input gave ({@link InputReader}): its event, its rejection, or nothing yet. */
sealed interface Reading permits Reading.Decoded, Reading.Rejected, Reading.RegistryDown, Reading.AwaitingSchema {

    /** Decoded and valid: the input with its event and target language. */
    record Decoded(PendingInput input) implements Reading {
    }

    /**
     * Undecodable or invalid: it becomes a dead letter.
     *
     * @param id the event's id, or {@value InputReader#UNKNOWN_ID} when it could not be decoded
     */
    record Rejected(String id, ErrorClass errorClass, String reason) implements Reading {
    }

    /** The schema registry failed: not the input's fault, it waits undecoded and is read again later. */
    record RegistryDown(SchemaRegistryException error) implements Reading {
    }

    /** Its writer schema is being looked up off the stream thread: it waits undecoded and is read again later. */
    record AwaitingSchema() implements Reading {
    }
}
