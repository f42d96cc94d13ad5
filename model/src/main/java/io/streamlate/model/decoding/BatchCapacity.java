package io.streamlate.model.decoding;

/**
 * How many sentences a search decodes at once (continuous batching): it starts with as many as fit and admits the
 * next whenever enough of them finish. The same rule as the sub-batch planner's: at most {@code sentences} at once,
 * and their longest source times their count within {@code tokens}; a sentence longer than the budget on its own
 * still runs, alone.
 *
 * @param sentences at most this many sentences in the batch at once, at least 1
 * @param tokens    longest source x sentences in the batch at once, at least 1
 */
public record BatchCapacity(int sentences, long tokens) {

    public BatchCapacity {
        if (sentences < 1 || tokens < 1) {
            throw new IllegalArgumentException("a batch capacity needs at least one sentence and one token, not "
                    + sentences + " and " + tokens);
        }
    }

    /** Every one of {@code sentences} at once: one batch from start to end, nothing admitted later. */
    public static BatchCapacity all(int sentences) {
        return new BatchCapacity(Math.max(1, sentences), Long.MAX_VALUE);
    }

    /** Whether one more sentence of {@code length} fits beside {@code count} whose longest has {@code longest}. */
    boolean admits(int count, int longest, int length) {
        return count == 0 || count < sentences && (long) Math.max(longest, length) * (count + 1) <= tokens;
    }
}
