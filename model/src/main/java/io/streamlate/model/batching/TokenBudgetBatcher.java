package io.streamlate.model.batching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Length-sorted sub-batches under a token budget (CTranslate2's batch_type=tokens): sorting puts sentences of
 * similar length together, so little compute is spent on padding, and the budget bounds memory per run.
 * A sub-batch costs what {@link BatchCost} says (longest input x size); an input longer than the budget on its
 * own still gets a sub-batch of one.
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
        BatchCost cost = BatchCost.EMPTY;
        for (int index : order) {
            boolean full = current.size() == maxSentences || cost.plus(lengths.get(index)).paddedTokens() > maxTokens;
            if (!current.isEmpty() && full) {
                batches.add(new SubBatch(current, cost.longest()));
                current = new ArrayList<>();
                cost = BatchCost.EMPTY;
            }
            current.add(index);
            cost = cost.plus(lengths.get(index));
        }
        if (!current.isEmpty()) {
            batches.add(new SubBatch(current, cost.longest()));
        }
        return batches;
    }
}
