package io.streamlate.model.batching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The closing rules of a {@link BatchPolicy}, without threads or clocks, as the caller reports items and the time.
 * In arrival order: one open batch per key, closed by size, by token budget or by age. With a sort window
 * ({@link BatchPolicy#sortsByLength()}): one window of queued items per key; once it holds sortWindow items it is
 * ordered by length and cut into batches by size and token budget, the last, unfilled one staying in the window;
 * once its oldest item has waited maxDelay the whole window is cut and every batch closes. Not thread-safe;
 * {@link MicroBatcher} guards it with its lock.
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

    /** An item waiting in a sort window. */
    private record Queued<E>(E item, int tokens, long queuedNanos) {
    }

    private final int maxSentences;
    private final int maxTokens;
    private final long maxDelayNanos;
    private final int sortWindow; // 0: arrival order
    private final Map<K, Open<E>> open = new LinkedHashMap<>();
    private final Map<K, List<Queued<E>>> windows = new LinkedHashMap<>();

    BatchAssembler(BatchPolicy policy) {
        this.maxSentences = policy.maxSentences();
        this.maxTokens = policy.maxTokens();
        this.maxDelayNanos = policy.maxDelay().toNanos();
        this.sortWindow = policy.sortsByLength() ? policy.sortWindow() : 0;
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
        if (sortWindow > 0) {
            List<Queued<E>> window = windows.computeIfAbsent(key, k -> new ArrayList<>());
            window.add(new Queued<>(item, tokens, now));
            return window.size() >= sortWindow ? cut(key, window, null) : List.of();
        }
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

    /**
     * Orders a window by length (arrival order among equals) and cuts it into batches: each closes at maxSentences
     * or before the item that would exceed the budget. The last batch closes with {@code last} as its reason, or
     * when {@code last} is null stays in the window, its items in arrival order.
     */
    private List<Batch<K, E>> cut(K key, List<Queued<E>> window, CloseReason last) {
        List<Queued<E>> ordered = new ArrayList<>(window);
        ordered.sort(Comparator.comparingInt(Queued::tokens));
        List<Batch<K, E>> closed = new ArrayList<>();
        List<Queued<E>> batch = new ArrayList<>();
        BatchCost cost = BatchCost.EMPTY;
        for (Queued<E> queued : ordered) {
            if (!batch.isEmpty() && cost.plus(queued.tokens()).paddedTokens() > maxTokens) {
                closed.add(batchOf(key, batch, cost, CloseReason.TOKENS));
                batch = new ArrayList<>();
                cost = BatchCost.EMPTY;
            }
            batch.add(queued);
            cost = cost.plus(queued.tokens());
            if (batch.size() == maxSentences || cost.paddedTokens() >= maxTokens) {
                closed.add(batchOf(key, batch, cost, batch.size() == maxSentences ? CloseReason.SENTENCES
                        : CloseReason.TOKENS));
                batch = new ArrayList<>();
                cost = BatchCost.EMPTY;
            }
        }
        window.clear();
        if (!batch.isEmpty()) {
            if (last != null) {
                closed.add(batchOf(key, batch, cost, last));
            } else {
                batch.sort(Comparator.comparingLong(Queued::queuedNanos));
                window.addAll(batch);
            }
        }
        if (window.isEmpty()) {
            windows.remove(key);
        }
        return closed;
    }

    private Batch<K, E> batchOf(K key, List<Queued<E>> items, BatchCost cost, CloseReason reason) {
        int sourceTokens = items.stream().mapToInt(Queued::tokens).sum();
        return new Batch<>(key, items.stream().map(Queued::item).toList(), sourceTokens, (int) cost.paddedTokens(),
                reason);
    }

    /** Closes every open batch (or cuts every window) whose oldest item has waited maxDelay or longer. */
    List<Batch<K, E>> closeExpired(long now) {
        if (sortWindow > 0) {
            List<Batch<K, E>> closed = new ArrayList<>();
            for (K key : List.copyOf(windows.keySet())) {
                List<Queued<E>> window = windows.get(key);
                if (now - window.get(0).queuedNanos() >= maxDelayNanos) {
                    closed.addAll(cut(key, window, CloseReason.DELAY));
                }
            }
            return closed;
        }
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
        if (sortWindow > 0) {
            return windows.values().stream().mapToLong(window -> window.get(0).queuedNanos() + maxDelayNanos - now)
                    .min().orElse(Long.MAX_VALUE);
        }
        if (open.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return open.values().iterator().next().firstQueuedNanos + maxDelayNanos - now;
    }

    /** Closes all open batches, oldest first (shutdown: nothing waits for company any more). */
    List<Batch<K, E>> closeAll() {
        List<Batch<K, E>> closed = new ArrayList<>();
        for (K key : List.copyOf(windows.keySet())) {
            closed.addAll(cut(key, windows.get(key), CloseReason.SHUTDOWN));
        }
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
