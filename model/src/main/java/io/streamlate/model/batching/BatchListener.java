package io.streamlate.model.batching;

import io.streamlate.model.LanguagePair;

/**
 * Hooks for counters and histograms (Micrometer comes later). Called on the batcher's worker threads, the
 * submitting thread or the closing thread; implementations must be thread-safe and quick, and must not throw
 * (what they throw is logged and ignored).
 */
public interface BatchListener {

    /** Does nothing. */
    BatchListener NONE = new BatchListener() {
    };

    /** After every batch the engine ran, once its items were completed. */
    default void batchCompleted(BatchReport report) {
    }

    /** A bounded {@link MicroBatcher#offer} gave up because the queue stayed full. */
    default void offerTimedOut(LanguagePair pair) {
    }

    /** Items completed ABANDONED by {@link MicroBatcher#close(java.time.Duration)}. */
    default void abandoned(int items) {
    }
}
