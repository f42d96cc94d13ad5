package io.streamlate.topology.batching;

import io.streamlate.model.LanguagePair;
import io.streamlate.model.TranslationResult;

import java.util.Objects;

/**
 * What became of one {@link BatchItem}: its translation, its error, or abandonment at shutdown.
 *
 * @param tag     the item's tag
 * @param pair    the item's language pair
 * @param status  which of the three it is
 * @param result  the translation when TRANSLATED, else null
 * @param error   the cause when FAILED or ABANDONED, else null: the engine's
 *                {@link io.streamlate.model.TranslationException} for that sentence or its batch, or a
 *                {@link BatchAbandonedException}
 * @param timings queue wait, inference time and batch shape; {@link ItemTimings#NONE} when the item never ran
 * @param <C>     the tag type
 */
public record Completion<C>(C tag, LanguagePair pair, Status status, TranslationResult result,
                            RuntimeException error, ItemTimings timings) {

    /** The three ways an item ends. */
    public enum Status {
        /** Translated; {@code result} is set. */
        TRANSLATED,
        /**
         * Will not translate as is: the sentence's own error (e.g. EMPTY_INPUT), an unknown pair, or an engine
         * failure that cost its whole batch (INFERENCE_FAILED).
         */
        FAILED,
        /**
         * Never translated because the batcher closed first; the input is still in the caller's pending store and
         * is re-submitted after restart. Not an error of the input.
         */
        ABANDONED
    }

    public Completion {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(timings, "timings");
        if ((status == Status.TRANSLATED) != (result != null) || (status == Status.TRANSLATED) == (error != null)) {
            throw new IllegalArgumentException("a " + status + " completion needs "
                    + (status == Status.TRANSLATED ? "a result and no error" : "an error and no result"));
        }
    }

    public boolean isTranslated() {
        return status == Status.TRANSLATED;
    }
}
