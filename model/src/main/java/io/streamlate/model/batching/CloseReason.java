package io.streamlate.model.batching;

/** Which rule of the {@link BatchPolicy} closed a batch. */
public enum CloseReason {
    /** It reached maxSentences. */
    SENTENCES,
    /** The next item would have exceeded maxTokens, or the batch already costs maxTokens (or one item more). */
    TOKENS,
    /** maxDelay passed since its first item was queued. */
    DELAY,
    /** The batcher is closing and drains what is queued without waiting. */
    SHUTDOWN
}
