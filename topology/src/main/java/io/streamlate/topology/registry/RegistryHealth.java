package io.streamlate.topology.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The instance's one view of the schema registry's health: asked on a daemon thread of its own every
 * {@code interval} and cached, so that nobody who asks ever calls the registry or waits for it. Feeds readiness
 * ({@link #latest()}), the backpressure controller and the processors' retry gate ({@link #available()}).
 * An answer older than {@code maxAge} counts as unreachable: that is how a check that hangs shows. A failure the
 * processors meet ({@link #failed}) makes the registry unavailable at once, until the next check answers.
 *
 * <p>The check is any call that returns when the registry answers and throws when it does not, e.g. {@code
 * SchemaRegistryClient::checkReachable}.
 */
public final class RegistryHealth implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHealth.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    /**
     * @param reachable whether the registry answered the check
     * @param at        when the check ended (or, before the first one, when the probe started)
     * @param detail    {@code answered}, or why not
     */
    public record Result(boolean reachable, Instant at, String detail) {

        public Result {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private final Runnable check;
    private final Duration maxAge;
    private final Clock clock;
    private final Result notCheckedYet;
    private final AtomicReference<Result> latest;
    private final ScheduledExecutorService thread;

    private RegistryHealth(Runnable check, Duration interval, Duration maxAge, Clock clock) {
        this.check = check;
        this.maxAge = maxAge;
        this.clock = clock;
        this.notCheckedYet = new Result(false, clock.instant(), "not checked yet");
        this.latest = new AtomicReference<>(notCheckedYet);
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread daemon = new Thread(runnable, "streamlate-registry-health");
            daemon.setDaemon(true);
            return daemon;
        });
        thread.scheduleWithFixedDelay(this::probe, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Starts probing now, then {@code interval} after each check ends.
     *
     * @param maxAge how old an answer may be and still count, at least {@code interval}; a few intervals
     *               tolerate one slow check
     */
    public static RegistryHealth start(Runnable check, Duration interval, Duration maxAge, Clock clock) {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        if (maxAge.compareTo(interval) < 0) {
            throw new IllegalArgumentException("maxAge must be >= interval (" + interval + "), was " + maxAge);
        }
        return new RegistryHealth(check, interval, maxAge, clock);
    }

    /** The cached answer, unreachable once it is older than {@code maxAge}. Never calls the registry. */
    public Result latest() {
        Result result = latest.get();
        Instant now = clock.instant();
        if (Duration.between(result.at(), now).compareTo(maxAge) > 0) {
            return new Result(false, result.at(), "no answer for over " + maxAge + " (last: " + result.detail()
                    + " at " + result.at() + ")");
        }
        return result;
    }

    /**
     * False while the registry is known to fail: its last check failed or went stale, or a failure was reported
     * since it last answered. True before the first check (nothing is known to be wrong yet).
     */
    public boolean available() {
        Result result = latest();
        return result.reachable() || result == notCheckedYet;
    }

    /** A processor met a registry failure (any thread): unavailable until the next check answers. */
    public void failed(RuntimeException error) {
        Result reported = new Result(false, clock.instant(), "failed a lookup: " + error.getMessage());
        Result previous = latest.getAndSet(reported);
        if (previous.reachable()) {
            LOG.warn("schema registry unreachable: {}", reported.detail());
        }
    }

    private void probe() {
        Result result;
        try {
            check.run();
            result = new Result(true, clock.instant(), "answered");
        } catch (RuntimeException e) {
            result = new Result(false, clock.instant(), String.valueOf(e.getMessage()));
        }
        if (thread.isShutdown()) {
            return; // interrupted by close(): not the registry's fault
        }
        Result previous = latest.getAndSet(result);
        boolean first = previous == notCheckedYet;
        if (!result.reachable() && (first || previous.reachable())) {
            LOG.warn("schema registry unreachable: {}", result.detail());
        } else if (result.reachable() && !first && !previous.reachable()) {
            LOG.info("schema registry reachable again");
        }
    }

    /** Stops probing; interrupts a check in progress and waits for it at most a second. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("registry probe still running {} after close", CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
