package io.streamlate.model.batching;

import java.time.Duration;

/**
 * Where one item's time went, for the output record and for metrics.
 *
 * @param batchId        sequence number of the batch the item ran in (unique per batcher), -1 when it never ran
 * @param queueWait      submit to batch start (a worker taking the batch)
 * @param inference      engine time from its batch's start to this item's result (a sentence is answered when its
 *                       own search ends; the batch runs on for its longest)
 * @param batchSentences sentences in that batch
 * @param batchTokens    that batch's padded source tokens (longest source x sentences), what maxTokens bounds
 */
public record ItemTimings(long batchId, Duration queueWait, Duration inference, int batchSentences,
                          int batchTokens) {

    /** For items that never reached the engine (unknown pair, abandoned while queued). */
    public static final ItemTimings NONE = new ItemTimings(-1, Duration.ZERO, Duration.ZERO, 0, 0);
}
