package io.streamlate.model.batching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Length-sorted sub-batches under a token budget (CTranslate2's batch_type=tokens): sorting puts sentences of
 * similar length together, so little compute is spent on padding, and the budget bounds memory per run.
 * A sub-batch costs (longest source in it) x (its size) tokens; a sentence longer than the budget on its own
 * still gets a sub-batch of one.
 */
public final class TokenBudgetBatcher {

    private final int maxTokens;
    private final int maxSentences;

    public TokenBudgetBatcher(int maxTokens, int maxSentences) {
        if (maxTokens < 1 || maxSentences < 1) {
            throw new IllegalArgumentException("maxTokens and maxSentences must be >= 1");
        }
        this.maxTokens = maxTokens;
        this.maxSentences = maxSentences;
    }

    /**
     * @param lengths source length of each sentence, in input order
     * @return sub-batches covering every index exactly once, shortest sentences first (ties keep input order)
     */
    public List<SubBatch> plan(List<Integer> lengths) {
        List<Integer> order = IntStream.range(0, lengths.size()).boxed()
                .sorted(Comparator.comparing(lengths::get)) // stable: equal lengths stay in input order
                .toList();
        List<SubBatch> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int longest = 0;
        for (int index : order) {
            int longestIfAdded = Math.max(longest, lengths.get(index));
            boolean full = current.size() == maxSentences || longestIfAdded * (current.size() + 1) > maxTokens;
            if (!current.isEmpty() && full) {
                batches.add(new SubBatch(current, longest));
                current = new ArrayList<>();
                longestIfAdded = lengths.get(index);
            }
            current.add(index);
            longest = longestIfAdded;
        }
        if (!current.isEmpty()) {
            batches.add(new SubBatch(current, longest));
        }
        return batches;
    }
}
