package io.streamlate.topology.backpressure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Stops consumption while the instance cannot keep up, so memory stays bounded: pauses Kafka Streams when the
 * batcher's queue reaches {@link PausePolicy#pauseAtQueued()} and resumes it below
 * {@link PausePolicy#resumeBelowQueued()}; also pauses while the schema registry is unavailable (inputs could only
 * wait, undecoded), as the instance's registry health says, and resumes once it answers again.
 *
 * <p>It runs on its own thread and watches the batcher's queue gauge, not a punctuator: a paused Kafka Streams runs
 * no punctuator, so a decision made inside one could never be undone. While paused, the batcher keeps working off
 * its queue and completions wait in the tasks' queues; they are forwarded after the resume.
 */
public final class BackpressureController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackpressureController.class);
    public static final Duration CHECK_INTERVAL = Duration.ofMillis(10);

    /** Why the instance is paused. */
    public enum Reason { NONE, QUEUE_FULL, REGISTRY_DOWN }

    private final PausePolicy policy;
    private final IntSupplier queued;
    private final BooleanSupplier registryAvailable;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "streamlate-backpressure");
        thread.setDaemon(true);
        return thread;
    });

    private volatile Reason reason = Reason.NONE;
    private volatile long pauses;

    /**
     * @param queued            the batcher's queue depth
     * @param registryAvailable the registry health's verdict, never a call to the registry itself
     */
    public BackpressureController(PausePolicy policy, IntSupplier queued, BooleanSupplier registryAvailable) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.queued = Objects.requireNonNull(queued, "queued");
        this.registryAvailable = Objects.requireNonNull(registryAvailable, "registryAvailable");
    }

    /**
     * Checks every {@link #CHECK_INTERVAL} on a daemon thread until {@link #close()}, pausing and resuming
     * {@code target}.
     */
    public void start(PauseSwitch target) {
        Objects.requireNonNull(target, "target");
        timer.scheduleWithFixedDelay(() -> checkSafely(target), 0, CHECK_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One decision: pause, resume or nothing. Called by the timer thread; tests call it directly. */
    void check(PauseSwitch target) {
        int depth = queued.getAsInt();
        Reason wanted = !registryAvailable.getAsBoolean() ? Reason.REGISTRY_DOWN
                : depth >= policy.pauseAtQueued() ? Reason.QUEUE_FULL
                : reason == Reason.QUEUE_FULL && depth >= policy.resumeBelowQueued() ? Reason.QUEUE_FULL
                : Reason.NONE;
        if (wanted == reason) {
            return;
        }
        if (wanted == Reason.NONE) {
            target.resume();
            LOG.info("Resuming consumption ({} queued)", depth);
        } else if (reason == Reason.NONE) {
            target.pause();
            pauses++;
            LOG.info("Pausing consumption: {} ({} queued, pause at {}, resume below {})", wanted, depth,
                    policy.pauseAtQueued(), policy.resumeBelowQueued());
        }
        reason = wanted;
    }

    private void checkSafely(PauseSwitch target) {
        try {
            check(target);
        } catch (RuntimeException e) {
            // Kafka Streams refuses pause/resume while shutting down; the next check tries again
            LOG.warn("Backpressure check failed: {}", e.toString());
        }
    }

    /** Why consumption is paused now, NONE when it is not. */
    public Reason reason() {
        return reason;
    }

    /** How many times consumption was paused since start. */
    public long pauses() {
        return pauses;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
