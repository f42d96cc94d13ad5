package io.streamlate.topology.batching;

/**
 * What an item costs in the engine's padded batch, in subword tokens: the source tokens the encoder will see for a
 * sentence to translate, the longer side's tokens for a pair to align. The batcher's maxTokens rule is only as good
 * as this agreement. {@link SourceTokenCounter} is the real one; tests may pass a lambda. Called on submitting
 * threads, concurrently.
 */
@FunctionalInterface
public interface TokenCounter {

    /** @return tokens after the engine's truncation; 0 for text the engine rejects as empty */
    int tokens(BatchItem<?> item);
}
