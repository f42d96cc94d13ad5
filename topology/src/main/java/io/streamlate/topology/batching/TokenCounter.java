package io.streamlate.topology.batching;

import io.streamlate.model.LanguagePair;

/**
 * How many source subword tokens the engine will feed the encoder for a sentence; the batcher's maxTokens rule
 * is only as good as this agreement. {@link SourceTokenCounter} is the real one; tests may pass a lambda.
 * Called on submitting threads, concurrently.
 */
@FunctionalInterface
public interface TokenCounter {

    /** @return tokens after the engine's truncation; 0 for text the engine rejects as empty */
    int sourceTokens(LanguagePair pair, String text);
}
