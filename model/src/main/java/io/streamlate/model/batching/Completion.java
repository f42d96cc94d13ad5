package io.streamlate.model.batching;

import io.streamlate.model.LanguagePair;
import io.streamlate.model.TranslationResult;

import java.util.Objects;

/**
 * What became of one {@link BatchItem}: its result, its error, or abandonment at shutdown.
 *
 * @param <C> the tag type
 */
public sealed interface Completion<C> permits Completion.Done, Completion.Failed, Completion.Abandoned {

    /** The item's tag. */
    C tag();

    /** The item's language pair. */
    LanguagePair pair();

    /**
     * Translated, or aligned for an item with a given translation.
     *
     * @param timings queue wait, inference time and batch shape
     */
    record Done<C>(C tag, LanguagePair pair, TranslationResult result, ItemTimings timings) implements Completion<C> {

        public Done {
            Objects.requireNonNull(pair, "pair");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(timings, "timings");
        }
    }

    /**
     * Will not translate as is: the input's own error (e.g. EMPTY_INPUT), an unknown pair, or an engine failure that
     * cost its whole batch (INFERENCE_FAILED).
     *
     * @param error   the engine's {@link io.streamlate.model.TranslationException} for that input or its batch
     * @param timings {@link ItemTimings#NONE} when the item never ran
     */
    record Failed<C>(C tag, LanguagePair pair, RuntimeException error, ItemTimings timings) implements Completion<C> {

        public Failed {
            Objects.requireNonNull(pair, "pair");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(timings, "timings");
        }
    }

    /**
     * Never ran because the batcher closed first (or its batch was still in the engine at the close deadline); the
     * input is still in the caller's pending store and is re-submitted after restart. Not an error of the input.
     */
    record Abandoned<C>(C tag, LanguagePair pair) implements Completion<C> {

        public Abandoned {
            Objects.requireNonNull(pair, "pair");
        }
    }
}
