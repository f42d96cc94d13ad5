package io.streamlate.model.batching;

import io.streamlate.model.Tokenized;
import io.streamlate.model.TranslationResult;
import io.streamlate.model.Translator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An accepted item with what the batcher made of it at submit: its model and its tokens (resolved and tokenised
 * there, once). Completes at most once: a batch that returns from the engine after its items were abandoned at the
 * close deadline loses that race, and its results are dropped.
 */
final class PendingItem<C> {

    private static final Logger LOG = LoggerFactory.getLogger(PendingItem.class);

    final BatchItem<C> item;
    final Translator translator;
    final Tokenized input;
    final long submittedNanos;
    private final AtomicBoolean completed = new AtomicBoolean();

    PendingItem(BatchItem<C> item, Translator translator, Tokenized input, long submittedNanos) {
        this.item = item;
        this.translator = translator;
        this.input = input;
        this.submittedNanos = submittedNanos;
    }

    boolean done(TranslationResult result, ItemTimings timings) {
        return complete(new Completion.Done<>(item.tag(), item.pair(), result, timings));
    }

    boolean fail(RuntimeException error, ItemTimings timings) {
        return complete(new Completion.Failed<>(item.tag(), item.pair(), error, timings));
    }

    boolean abandon() {
        return complete(new Completion.Abandoned<>(item.tag(), item.pair()));
    }

    /** @return whether this call completed the item (false if it already was) */
    private boolean complete(Completion<C> completion) {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        try {
            item.onComplete().accept(completion);
        } catch (RuntimeException e) {
            LOG.warn("completion callback of item {} ({}) threw; ignored", item.tag(), item.pair(), e);
        }
        return true;
    }
}
