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
import java.util.function.LongSupplier;

/**
 * Stops consumption while the instance cannot keep up, so memory stays bounded: pauses Kafka Streams when the
 * batcher's queue reaches {@link PausePolicy#pauseAtQueued()} and resumes it below
 * {@link PausePolicy#resumeBelowQueued()}; also pauses while the schema registry fails (inputs could only wait,
 * undecoded), probing it at most once per {@code registryProbeInterval} and resuming once it answers.
 *
 * <p>It runs on its own thread and watches the batcher's queue gauge, not a punctuator: a paused Kafka Streams runs
 * no punctuator, so a decision made inside one could never be undone. While paused, the batcher keeps working off
 * its queue and completions wait in the tasks' queues; they are forwarded after the resume.
 *
 * <p>Tests: {@code BackpressureControllerTest} (decisions, hysteresis, registry outage and recovery) and
 * {@code StreamlateServiceEndToEndTest} (a slow engine on a real broker: paused at least once, nothing lost).
 */
public final class BackpressureController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackpressureController.class);
    public static final Duration CHECK_INTERVAL = Duration.ofMillis(10);
    public static final Duration REGISTRY_PROBE_INTERVAL = Duration.ofSeconds(1);

    /** Why the instance is paused. */
    public enum Reason { NONE, QUEUE_FULL, REGISTRY_DOWN }

    private final PausePolicy policy;
    private final IntSupplier queued;
    private final BooleanSupplier registryReachable;
    private final LongSupplier nanoTime;
    private final Duration registryProbeInterval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "streamlate-backpressure");
        thread.setDaemon(true);
        return thread;
    });

    private volatile boolean registryDown;
    private long lastProbeNanos;
    private volatile Reason reason = Reason.NONE;
    private volatile long pauses;

    /**
     * @param queued            the batcher's queue depth
     * @param registryReachable a cheap request to the registry (called on this controller's thread only)
     */
    public BackpressureController(PausePolicy policy, IntSupplier queued, BooleanSupplier registryReachable,
                                  LongSupplier nanoTime, Duration registryProbeInterval) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.queued = Objects.requireNonNull(queued, "queued");
        this.registryReachable = Objects.requireNonNull(registryReachable, "registryReachable");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.registryProbeInterval = Objects.requireNonNull(registryProbeInterval, "registryProbeInterval");
    }

    public BackpressureController(PausePolicy policy, IntSupplier queued, BooleanSupplier registryReachable) {
        this(policy, queued, registryReachable, System::nanoTime, REGISTRY_PROBE_INTERVAL);
    }

    /**
     * Checks every {@link #CHECK_INTERVAL} on a daemon thread until {@link #close()}, pausing and resuming
     * {@code target} (built after the controller: the topology's processors report registry failures to it).
     */
    public void start(PauseSwitch target) {
        Objects.requireNonNull(target, "target");
        timer.scheduleWithFixedDelay(() -> checkSafely(target), 0, CHECK_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The processors report each registry failure here (any thread). */
    public void registryFailed() {
        registryDown = true;
    }

    /** One decision: pause, resume or nothing. Called by the timer thread; tests call it directly. */
    void check(PauseSwitch target) {
        if (registryDown) {
            long now = nanoTime.getAsLong();
            if (reason != Reason.REGISTRY_DOWN) {
                lastProbeNanos = now; // the failure was just reported: the first probe comes one interval later
            } else if (now - lastProbeNanos >= registryProbeInterval.toNanos()) {
                lastProbeNanos = now;
                if (registryReachable.getAsBoolean()) {
                    registryDown = false;
                    LOG.info("The schema registry answers again");
                }
            }
        }
        int depth = queued.getAsInt();
        Reason wanted = registryDown ? Reason.REGISTRY_DOWN
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
