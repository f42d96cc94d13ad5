package io.streamlate.topology.backpressure;

/**
 * When the instance stops and restarts consuming, by the batcher's queue depth (items waiting for a batch): pause
 * Kafka Streams once {@code pauseAtQueued} are queued, resume once fewer than {@code resumeBelowQueued} are. The gap
 * keeps it from flapping; a resume mark of at least one full batch keeps the engine busy while consumption restarts.
 *
 * @param pauseAtQueued     pause at this depth or more; at most the batcher's maxQueued (a full queue already
 *                          blocks process())
 * @param resumeBelowQueued resume below this depth; at least 1 and below {@code pauseAtQueued}
 */
public record PausePolicy(int pauseAtQueued, int resumeBelowQueued) {

    public PausePolicy {
        if (resumeBelowQueued < 1 || resumeBelowQueued >= pauseAtQueued) {
            throw new IllegalArgumentException("PausePolicy.resumeBelowQueued " + resumeBelowQueued
                    + " must be at least 1 and below PausePolicy.pauseAtQueued " + pauseAtQueued);
        }
    }

    /** Pause at three quarters of {@code maxQueued}, resume below a quarter (but never below one item). */
    public static PausePolicy forQueue(int maxQueued) {
        int pause = Math.max(2, maxQueued * 3 / 4);
        return new PausePolicy(pause, Math.max(1, Math.min(maxQueued / 4, pause - 1)));
    }
}
