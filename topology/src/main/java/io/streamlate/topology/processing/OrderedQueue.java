package io.streamlate.topology.processing;

import io.streamlate.topology.config.OutputOrder;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The ordered-async mechanism of one task, the model being Flink's {@code AsyncWaitOperator} with its ordered
 * {@code StreamElementQueue}: inputs enter in offset order, wait in a line until the async side takes them,
 * complete in any order on other threads, and leave in offset order within their order key ({@link OutputOrder}:
 * the record key, or one key for the whole partition), each once it and every earlier input of its key are
 * resolved. Knows nothing of what the async side does or what is forwarded.
 *
 * <p>Threads: {@link #sink()} may be called from any thread (it only enqueues); everything else belongs to the task's
 * stream thread. {@link #reset()} starts a new life: completions of the previous one land in a queue nobody drains.
 *
 * @param <C> the completion type, which names its input by offset
 */
final class OrderedQueue<C> {

    /** An input in the FIFO and what resolved it: its completion, or its rejection found late. */
    static final class Slot<C> {
        PendingInput input;
        C completion;
        Reading.Rejected rejection;

        private Slot(PendingInput input) {
            this.input = input;
        }

        boolean resolved() {
            return completion != null || rejection != null;
        }
    }

    /** The order key of inputs without a record key under {@link OutputOrder#KEY}, and of all under PARTITION. */
    private static final Object ONE_KEY = new Object();

    private final ToLongFunction<C> offsetOf;
    private final OutputOrder order;
    /** The inputs in offset order, from the pending store's first entry to its last. */
    private final TreeMap<Long, Slot<C>> fifo = new TreeMap<>();
    /** FIFO entries not yet taken by the async side, in offset order. */
    private final Deque<Slot<C>> waiting = new ArrayDeque<>();
    private volatile Queue<C> completions = new ConcurrentLinkedQueue<>();

    /**
     * @param offsetOf the offset of the input a completion belongs to
     * @param order    which earlier inputs an input waits for before it leaves
     */
    OrderedQueue(ToLongFunction<C> offsetOf, OutputOrder order) {
        this.offsetOf = Objects.requireNonNull(offsetOf, "offsetOf");
        this.order = Objects.requireNonNull(order, "order");
    }

    boolean contains(long offset) {
        return fifo.containsKey(offset);
    }

    /** Appends an input at the end of the FIFO and of the waiting line. */
    void append(PendingInput input) {
        Slot<C> slot = new Slot<>(input);
        fifo.put(input.offset(), slot);
        waiting.addLast(slot);
    }

    /** The first input still waiting in line, or null. */
    Slot<C> headWaiting() {
        return waiting.peekFirst();
    }

    /** The head of the line was taken (or found invalid): it leaves the line, not the FIFO. */
    void leaveLine() {
        waiting.pollFirst();
    }

    int waiting() {
        return waiting.size();
    }

    int size() {
        return fifo.size();
    }

    /** Where this life's completions go; call from any thread. */
    Consumer<C> sink() {
        Queue<C> current = completions;
        return current::add;
    }

    /**
     * Records the completions that arrived since the last call in their slots; a completion for no slot (an input
     * already forwarded) or for a slot already resolved is dropped, as is one {@code ignored} says to drop.
     */
    void drainCompletions(java.util.function.Predicate<C> ignored) {
        Queue<C> queue = completions;
        for (C completion = queue.poll(); completion != null; completion = queue.poll()) {
            Slot<C> slot = fifo.get(offsetOf.applyAsLong(completion));
            if (slot != null && slot.completion == null && !ignored.test(completion)) {
                slot.completion = completion;
            }
        }
    }

    /**
     * Removes and returns, in offset order, every resolved input that no unresolved input of its order key precedes.
     * A scan of the FIFO, which holds only the task's inputs still pending (bounded by backpressure).
     */
    List<Slot<C>> pollReleasable() {
        List<Slot<C>> released = new ArrayList<>();
        Set<Object> blocked = new HashSet<>();
        for (Iterator<Slot<C>> slots = fifo.values().iterator(); slots.hasNext(); ) {
            Slot<C> slot = slots.next();
            Object key = orderKey(slot.input);
            if (!slot.resolved()) {
                blocked.add(key);
                if (order == OutputOrder.PARTITION) {
                    break;
                }
            } else if (!blocked.contains(key)) {
                released.add(slot);
                slots.remove();
            }
        }
        return released;
    }

    private Object orderKey(PendingInput input) {
        // ByteBuffer compares and hashes the key's bytes
        return order == OutputOrder.PARTITION || input.key() == null ? ONE_KEY : ByteBuffer.wrap(input.key());
    }

    /** Forgets every input and starts a new life with a fresh completion queue. */
    void reset() {
        completions = new ConcurrentLinkedQueue<>();
        fifo.clear();
        waiting.clear();
    }
}
