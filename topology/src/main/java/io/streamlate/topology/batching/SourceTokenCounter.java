package io.streamlate.topology.batching;

import io.streamlate.model.LanguagePair;
import io.streamlate.model.TextPair;
import io.streamlate.model.Translator;

import java.util.function.Function;

/**
 * Counts tokens with the pair's own {@link Translator}, so the batcher's token budget and the engine's padding agree
 * exactly (same tokenizer, same truncation to max_source_length, 0 for empty text; for a pair to align, its longer
 * side as the engine encodes it).
 */
public final class SourceTokenCounter implements TokenCounter {

    private final Function<LanguagePair, Translator> models;

    /** @param models the same lookup the batcher uses; it may throw or return null for an unknown pair */
    public SourceTokenCounter(Function<LanguagePair, Translator> models) {
        this.models = models;
    }

    @Override
    public int tokens(BatchItem<?> item) {
        Translator translator = MicroBatcher.resolve(models, item.pair());
        return item.aligns() ? translator.alignmentTokens(new TextPair(item.text(), item.given()))
                : translator.sourceTokens(item.text());
    }
}
