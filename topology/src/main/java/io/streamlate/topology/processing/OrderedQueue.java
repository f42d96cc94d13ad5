package io.streamlate.topology.processing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The ordered-async mechanism of one task, the model being Flink's {@code AsyncWaitOperator} with its ordered
 * {@code StreamElementQueue}: inputs enter in offset order, wait in a line until the async side takes them,
 * complete in any order on other threads, and leave in offset order, each once it is resolved. Knows nothing of
 * what the async side does or what is forwarded.
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

    private final ToLongFunction<C> offsetOf;
    /** The inputs in offset order, from the pending store's first entry to its last. */
    private final TreeMap<Long, Slot<C>> fifo = new TreeMap<>();
    /** FIFO entries not yet taken by the async side, in offset order. */
    private final Deque<Slot<C>> waiting = new ArrayDeque<>();
    private volatile Queue<C> completions = new ConcurrentLinkedQueue<>();

    /** @param offsetOf the offset of the input a completion belongs to */
    OrderedQueue(ToLongFunction<C> offsetOf) {
        this.offsetOf = Objects.requireNonNull(offsetOf, "offsetOf");
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

    /** Removes and returns the FIFO head if it is resolved, else returns null. */
    Slot<C> pollResolvedHead() {
        if (fifo.isEmpty() || !fifo.firstEntry().getValue().resolved()) {
            return null;
        }
        return fifo.pollFirstEntry().getValue();
    }

    /** Forgets every input and starts a new life with a fresh completion queue. */
    void reset() {
        completions = new ConcurrentLinkedQueue<>();
        fifo.clear();
        waiting.clear();
    }
}
