package io.streamlate.model.batching;

/**
 * What a batch costs the engine: every input is padded to the longest, so a batch of {@code size} inputs whose
 * longest has {@code longest} tokens costs longest x size. The one rule behind both the engine's sub-batching
 * ({@link TokenBudgetBatcher}) and the micro-batcher's token budget ({@link BatchAssembler}).
 *
 * @param longest tokens of the batch's longest input
 * @param size    inputs in the batch
 */
public record BatchCost(int longest, int size) {

    public static final BatchCost EMPTY = new BatchCost(0, 0);

    /** The cost with one more input of {@code tokens}. */
    public BatchCost plus(int tokens) {
        return new BatchCost(Math.max(longest, tokens), size + 1);
    }

    /** Padded tokens: longest x size. */
    public long paddedTokens() {
        return (long) longest * size;
    }
}
