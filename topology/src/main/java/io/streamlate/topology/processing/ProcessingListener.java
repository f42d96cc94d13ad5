package io.streamlate.topology.processing;

import io.streamlate.model.LanguagePair;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.registry.SchemaRegistryException;

/**
 * What the processor reports to the rest of the instance: metrics, the health checks, the backpressure
 * controller and the live view. Called on stream threads; implementations must be thread-safe, quick and must not
 * throw.
 */
public interface ProcessingListener {

    /** Reports nothing. */
    ProcessingListener NONE = new ProcessingListener() {
    };

    /** An input became a dead letter of this class (at once, or after the engine failed it). */
    default void deadLettered(ErrorClass errorClass) {
    }

    /** A translation (and its alignment) was forwarded, {@code endToEndMs} after the input was first seen. */
    default void translated(LanguagePair pair, long endToEndMs) {
    }

    /** The records of a translation were forwarded (inside the task's transaction, not yet committed). */
    default void published(Translation translation, Alignment alignment) {
    }

    /** The number of inputs this instance holds pending changed by {@code delta}. */
    default void pendingChanged(int delta) {
    }

    /** A value could not be decoded because the schema registry failed; the input waits, undecoded. */
    default void registryFailed(SchemaRegistryException error) {
    }
}
