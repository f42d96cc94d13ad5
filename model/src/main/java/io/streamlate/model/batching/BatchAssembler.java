package io.streamlate.model.batching;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The closing rules of a {@link BatchPolicy}, without threads or clocks: one open batch per key, closed by size,
 * by token budget or by age, as the caller reports items and the time. Not thread-safe; {@link MicroBatcher}
 * guards it with its lock. Open batches are kept in the order their first item arrived, so the oldest, whose
 * deadline comes first, is always at the head.
 *
 * @param <K> routing key ({@link BatchKey})
 * @param <E> item
 */
final class BatchAssembler<K, E> {

    /**
     * A closed batch.
     *
     * @param key          the key all its items share
     * @param items        in arrival order
     * @param sourceTokens sum of the items' tokens
     * @param paddedTokens longest item x items
     * @param reason       the rule that closed it
     */
    record Batch<K, E>(K key, List<E> items, int sourceTokens, int paddedTokens, CloseReason reason) {

        Batch {
            items = List.copyOf(items);
        }

        int size() {
            return items.size();
        }
    }

    private static final class Open<E> {
        final long firstQueuedNanos;
        final List<E> items = new ArrayList<>();
        BatchCost cost = BatchCost.EMPTY;
        int sourceTokens;

        Open(long firstQueuedNanos) {
            this.firstQueuedNanos = firstQueuedNanos;
        }
    }

    private final int maxSentences;
    private final int maxTokens;
    private final long maxDelayNanos;
    private final Map<K, Open<E>> open = new LinkedHashMap<>();

    BatchAssembler(BatchPolicy policy) {
        this.maxSentences = policy.maxSentences();
        this.maxTokens = policy.maxTokens();
        this.maxDelayNanos = policy.maxDelay().toNanos();
    }

    /**
     * Adds an item to its key's open batch.
     *
     * @param tokens the item's source tokens (0 counts as 0: the engine skips empty sentences)
     * @param now    the current time in nanoseconds of the caller's clock
     * @return the batches this closed: none, the previous open batch the item did not fit in, and/or the new
     *         batch when the item filled it (by size, or because any further item would exceed the budget)
     */
    List<Batch<K, E>> add(K key, E item, int tokens, long now) {
        List<Batch<K, E>> closed = new ArrayList<>(2);
        Open<E> batch = open.get(key);
        if (batch != null && batch.cost.plus(tokens).paddedTokens() > maxTokens) {
            closed.add(close(key, CloseReason.TOKENS));
            batch = null;
        }
        if (batch == null) {
            batch = new Open<>(now);
            open.put(key, batch);
        }
        batch.items.add(item);
        batch.cost = batch.cost.plus(tokens);
        batch.sourceTokens += tokens;
        if (batch.items.size() == maxSentences) {
            closed.add(close(key, CloseReason.SENTENCES));
        } else if (batch.cost.paddedTokens() >= maxTokens) {
            // no further item can fit (each costs at least the longest), so don't make this one wait for company
            closed.add(close(key, CloseReason.TOKENS));
        }
        return closed;
    }

    /** Closes every open batch whose first item has waited maxDelay or longer, oldest first. */
    List<Batch<K, E>> closeExpired(long now) {
        List<Batch<K, E>> closed = new ArrayList<>();
        Iterator<Map.Entry<K, Open<E>>> oldestFirst = open.entrySet().iterator();
        while (oldestFirst.hasNext()) {
            Map.Entry<K, Open<E>> entry = oldestFirst.next();
            if (now - entry.getValue().firstQueuedNanos < maxDelayNanos) {
                break;
            }
            closed.add(batch(entry.getKey(), entry.getValue(), CloseReason.DELAY));
            oldestFirst.remove();
        }
        return closed;
    }

    /** @return nanoseconds until the oldest open batch expires (at most 0 if it already has); MAX_VALUE if none */
    long nanosUntilNextDeadline(long now) {
        if (open.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return open.values().iterator().next().firstQueuedNanos + maxDelayNanos - now;
    }

    /** Closes all open batches, oldest first (shutdown: nothing waits for company any more). */
    List<Batch<K, E>> closeAll() {
        List<Batch<K, E>> closed = new ArrayList<>();
        open.forEach((key, batch) -> closed.add(batch(key, batch, CloseReason.SHUTDOWN)));
        open.clear();
        return closed;
    }

    private Batch<K, E> close(K key, CloseReason reason) {
        return batch(key, open.remove(key), reason);
    }

    private static <K, E> Batch<K, E> batch(K key, Open<E> open, CloseReason reason) {
        return new Batch<>(key, open.items, open.sourceTokens, (int) open.cost.paddedTokens(), reason);
    }
}
