package io.streamlate.model.batching;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link MicroBatcher} groups sentences, immutable and validated at construction. Every closing rule applies
 * to one language pair's open batch; see topology/README.md for what each knob trades.
 *
 * @param maxSentences a batch closes when it holds this many sentences; default 64, bounds [1, 4096]
 * @param maxTokens    a batch closes when adding the next sentence would make it cost more than this many source
 *                     tokens, counted as the engine pads: longest source x sentences (a sentence costing more on
 *                     its own goes alone); default 4096, at least 1
 * @param maxDelay     the longest a sentence waits for company: a batch closes this long after its first sentence
 *                     was queued (Triton's max_queue_delay); 0 = never wait; default 20 ms, bounds [0, 1 h]
 * @param maxQueued    sentences waiting to be batched (open or closed but not yet taken by a worker) before
 *                     {@code submit} blocks; default 4 x maxSentences, at least maxSentences
 * @param workers      threads running batches; 2 lets one batch be assembled and translated while another runs,
 *                     and a long batch no longer holds up the next one; default 2, bounds [1, 64]
 * @param sortWindow   up to this many queued sentences of a pair are ordered by length before they are cut into
 *                     batches, so that a batch holds sentences of similar length and pads little (as the engine
 *                     orders a batch's sub-batches); a window closes when full or when its oldest sentence has
 *                     waited maxDelay, so no sentence waits longer than with arrival order. At most maxSentences
 *                     (0 included) means arrival order; default 2 x maxSentences, at most maxQueued
 */
public record BatchPolicy(int maxSentences, int maxTokens, Duration maxDelay, int maxQueued, int workers,
                          int sortWindow) {

    private static final Duration MAX_DELAY_BOUND = Duration.ofHours(1);

    public static final BatchPolicy DEFAULT = new BatchPolicy(64, 4096, Duration.ofMillis(20), 256, 2, 128);

    /** @throws IllegalArgumentException naming the first field out of bounds */
    public BatchPolicy {
        check(maxSentences >= 1 && maxSentences <= 4096, "maxSentences", maxSentences, "between 1 and 4096");
        check(maxTokens >= 1, "maxTokens", maxTokens, "at least 1");
        Objects.requireNonNull(maxDelay, "maxDelay");
        check(!maxDelay.isNegative() && maxDelay.compareTo(MAX_DELAY_BOUND) <= 0, "maxDelay", maxDelay,
                "between PT0S and " + MAX_DELAY_BOUND);
        check(maxQueued >= maxSentences, "maxQueued", maxQueued, "at least maxSentences (" + maxSentences + ")");
        check(workers >= 1 && workers <= 64, "workers", workers, "between 1 and 64");
        check(sortWindow >= 0 && sortWindow <= maxQueued, "sortWindow", sortWindow,
                "between 0 and maxQueued (" + maxQueued + ")");
    }

    /** Whether batches are cut from a length-ordered window rather than in arrival order. */
    public boolean sortsByLength() {
        return sortWindow > maxSentences;
    }

    private static void check(boolean ok, String field, Object value, String bound) {
        if (!ok) {
            throw new IllegalArgumentException("BatchPolicy." + field + " is " + value + ", must be " + bound);
        }
    }

    /** Also raises maxQueued to the new size when it would fall below it. */
    public BatchPolicy withMaxSentences(int value) {
        return new BatchPolicy(value, maxTokens, maxDelay, Math.max(maxQueued, value), workers, sortWindow);
    }

    public BatchPolicy withMaxTokens(int value) {
        return new BatchPolicy(maxSentences, value, maxDelay, maxQueued, workers, sortWindow);
    }

    public BatchPolicy withMaxDelay(Duration value) {
        return new BatchPolicy(maxSentences, maxTokens, value, maxQueued, workers, sortWindow);
    }

    /** Also lowers sortWindow to the new bound when it would exceed it. */
    public BatchPolicy withMaxQueued(int value) {
        return new BatchPolicy(maxSentences, maxTokens, maxDelay, value, workers, Math.min(sortWindow, value));
    }

    public BatchPolicy withWorkers(int value) {
        return new BatchPolicy(maxSentences, maxTokens, maxDelay, maxQueued, value, sortWindow);
    }

    public BatchPolicy withSortWindow(int value) {
        return new BatchPolicy(maxSentences, maxTokens, maxDelay, maxQueued, workers, value);
    }
}
