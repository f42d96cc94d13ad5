package io.streamlate.model;

import io.streamlate.model.alignment.GivenWords;

/**
 * An input tokenised for the engine, once: what {@link Translator#tokenize} makes of a text or a pair and what the
 * engine's batch methods take, so that a caller that plans batches itself (the micro-batcher) never tokenises
 * twice. {@link #cost()} is what the input costs in a padded batch, the unit of every token budget.
 */
public sealed interface Tokenized permits Tokenized.Sentence, Tokenized.Pair {

    /** Subword tokens this input adds to a padded batch: its longest side; 0 for an input the engine rejects. */
    int cost();

    /**
     * A sentence to translate.
     *
     * @param ids       source ids, at most max_source_length of them (empty for blank text)
     * @param truncated whether pieces were cut off
     */
    record Sentence(int[] ids, boolean truncated) implements Tokenized {

        @Override
        public int cost() {
            return ids.length;
        }
    }

    /**
     * A given translation to force-align: both texts as given, split into words and encoded word by word.
     *
     * @param targetText the given translation as given, kept as the result's text
     */
    record Pair(GivenWords source, GivenWords target, String targetText) implements Tokenized {

        @Override
        public int cost() {
            int sourceIds = source.ids().length;
            int targetIds = target.ids().length;
            return sourceIds == 0 || targetIds == 0 ? 0 : Math.max(sourceIds, targetIds);
        }
    }
}
