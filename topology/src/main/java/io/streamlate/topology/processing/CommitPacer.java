package io.streamlate.topology.processing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Spaces the commits that tasks ask for on output, per stream thread. Under exactly_once_v2 a commit ends the
 * thread's transaction: it writes markers to every partition the transaction touched and the group's offsets, work
 * the broker and the stream thread do at each one. Sentences finish one by one, so asking at every forward would
 * commit at up to every punctuation; with a spacing, the outputs forwarded meanwhile wait at most that long and go
 * in the next commit together. One pacer serves all tasks of an instance; Kafka Streams runs a task's processor on
 * its stream thread only, and that thread's commit covers all of its tasks, so the spacing is kept per thread.
 */
public final class CommitPacer {

    private final long spacingNanos;
    private final LongSupplier nanoTime;
    private final ThreadLocal<Long> lastAsked = new ThreadLocal<>();

    /** @param nanoTime the clock of the spacing (tests move a fake one) */
    public CommitPacer(Duration spacing, LongSupplier nanoTime) {
        this.spacingNanos = Objects.requireNonNull(spacing, "spacing").toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** @return true when the calling stream thread may ask for a commit now; the ask then counts as made */
    boolean tryAsk() {
        long now = nanoTime.getAsLong();
        Long last = lastAsked.get();
        if (last != null && now - last < spacingNanos) {
            return false;
        }
        lastAsked.set(now);
        return true;
    }
}
