package io.streamlate.topology.batching;

import io.streamlate.model.LanguagePair;
import io.streamlate.model.Translator;

import java.util.function.Function;

/**
 * Counts source tokens with the pair's own {@link Translator}, so the batcher's token budget and the engine's
 * padding agree exactly (same tokenizer, same truncation to max_source_length, 0 for empty text).
 */
public final class SourceTokenCounter implements TokenCounter {

    private final Function<LanguagePair, Translator> models;

    /** @param models the same lookup the batcher uses; it may throw or return null for an unknown pair */
    public SourceTokenCounter(Function<LanguagePair, Translator> models) {
        this.models = models;
    }

    @Override
    public int sourceTokens(LanguagePair pair, String text) {
        return MicroBatcher.resolve(models, pair).sourceTokens(text);
    }
}
