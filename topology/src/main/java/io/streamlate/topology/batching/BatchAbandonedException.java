package io.streamlate.topology.batching;

/**
 * The error of an {@link Completion.Status#ABANDONED} item: the batcher closed before the item was translated
 * (or while its batch was still in the engine past the close deadline). The input itself is fine.
 */
public final class BatchAbandonedException extends RuntimeException {

    public BatchAbandonedException(String message) {
        super(message, null, false, false);
    }
}
