package io.streamlate.topology.batching;

import io.streamlate.model.TranslationResult;
import io.streamlate.topology.batching.Completion.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An accepted item with what the batcher knows about it. Completes at most once: a batch that returns from the
 * engine after its items were abandoned at the close deadline loses that race, and its results are dropped.
 */
final class PendingItem<C> {

    private static final Logger LOG = LoggerFactory.getLogger(PendingItem.class);

    final BatchItem<C> item;
    final int tokens;
    final long submittedNanos;
    private final AtomicBoolean completed = new AtomicBoolean();

    PendingItem(BatchItem<C> item, int tokens, long submittedNanos) {
        this.item = item;
        this.tokens = tokens;
        this.submittedNanos = submittedNanos;
    }

    String text() {
        return item.text();
    }

    /** @return whether this call completed the item (false if it already was) */
    boolean complete(Status status, TranslationResult result, RuntimeException error, ItemTimings timings) {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        Completion<C> completion = new Completion<>(item.tag(), item.pair(), status, result, error, timings);
        try {
            item.onComplete().accept(completion);
        } catch (RuntimeException e) {
            LOG.warn("completion callback of item {} ({}) threw; ignored", item.tag(), item.pair(), e);
        }
        return true;
    }
}
