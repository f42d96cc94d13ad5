package io.streamlate.model.batching;

import io.streamlate.model.LanguagePair;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One sentence handed to {@link MicroBatcher#submit}. The batcher calls {@code onComplete} exactly once per
 * accepted item, usually on a worker thread: it should only hand the completion over (e.g. add it to the owning
 * task's concurrent queue, which a punctuator drains on the stream thread), never block or touch Kafka state.
 *
 * @param tag        the caller's identity for the item (e.g. task id + pending-store key), returned untouched
 * @param pair       routing key: batches never mix pairs, and the pair selects the model
 * @param text       the source sentence; blank text completes FAILED with the engine's EMPTY_INPUT
 * @param given      a given translation of {@code text} to force-align instead of translating, or null
 * @param onComplete receives this item's {@link Completion}
 * @param <C>        the tag type
 */
public record BatchItem<C>(C tag, LanguagePair pair, String text, String given,
                           Consumer<? super Completion<C>> onComplete) {

    public BatchItem {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(onComplete, "onComplete");
    }

    /** An item to translate. */
    public static <C> BatchItem<C> translate(C tag, LanguagePair pair, String text,
                                             Consumer<? super Completion<C>> onComplete) {
        return new BatchItem<>(tag, pair, text, null, onComplete);
    }

    /** Whether this item force-aligns a given translation rather than translating. */
    public boolean aligns() {
        return given != null;
    }

    /** What the batcher groups by: the model, and whether the engine translates or aligns. */
    BatchKey key() {
        return new BatchKey(pair, aligns());
    }
}
