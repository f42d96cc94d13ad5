package io.streamlate.model.onnx;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Native-order direct float buffers recycled across the encoder runs and gathers of every search on one model.
 * A fresh direct buffer costs far more than its copy: the JDK zeroes it, the kernel faults in each page of it, and
 * its memory returns only after a garbage collection. Recycled, the engine ran 1.10x as fast greedy and 1.56x with
 * beam 4 (1,000 sentences, batch 64, interleaved pairs: bench/results/buffer-pool-2026-12-07.md).
 *
 * <p>Buffers are handed out with position 0 and limit at the size asked for; their contents are whatever the last
 * user left, so a caller writes every value it exposes. Capacities are rounded up to a power of two so that the
 * sizes a search asks for (rows x padded length x width, varying step to step) reuse each other's buffers. At most
 * the bound given at construction is kept ({@link SessionSettings#bufferPoolBytes}); a buffer given back beyond it
 * is left to the garbage collector.
 * Thread-safe: one pool serves all threads of a {@link ModelSessions}.
 *
 * <p>Tests: DirectBufferPoolTest (reuse, the smallest fitting buffer, the retention bound, limits). Not supported:
 * shrinking the pool when a burst of long sentences has passed (it keeps at most the bound, never frees below it).
 */
final class DirectBufferPool {

    /** Enough for the working set of a few searches at batch 64 on long sentences, small beside a model's heap. */
    static final long DEFAULT_RETAINED_BYTES = 256L * 1024 * 1024;

    private final long maxRetainedBytes;
    private final List<FloatBuffer> free = new ArrayList<>();
    private long retainedBytes;

    DirectBufferPool(long maxRetainedBytes) {
        this.maxRetainedBytes = maxRetainedBytes;
    }

    /** A buffer of at least {@code size} floats, position 0 and limit {@code size}; its contents are unspecified. */
    synchronized FloatBuffer take(int size) {
        int best = -1;
        for (int i = 0; i < free.size(); i++) {
            int capacity = free.get(i).capacity();
            if (capacity >= size && (best < 0 || capacity < free.get(best).capacity())) {
                best = i;
            }
        }
        if (best < 0) {
            return StepBuffers.floats(roundedCapacity(size)).limit(size);
        }
        FloatBuffer buffer = free.remove(best);
        retainedBytes -= bytes(buffer);
        return buffer.clear().limit(size);
    }

    /** Returns a buffer from {@link #take} for reuse; the caller must no longer read or write it. */
    synchronized void give(FloatBuffer buffer) {
        if (retainedBytes + bytes(buffer) > maxRetainedBytes) {
            return;
        }
        free.add(buffer);
        retainedBytes += bytes(buffer);
    }

    synchronized long retainedBytes() {
        return retainedBytes;
    }

    private static int roundedCapacity(int size) {
        int rounded = Integer.highestOneBit(Math.max(1, size));
        return rounded == size || rounded > Integer.MAX_VALUE / 2 ? size : 2 * rounded;
    }

    private static long bytes(FloatBuffer buffer) {
        return (long) Float.BYTES * buffer.capacity();
    }
}
