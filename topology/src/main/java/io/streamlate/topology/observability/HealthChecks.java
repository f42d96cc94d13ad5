package io.streamlate.topology.observability;

import io.streamlate.topology.registry.RegistryHealth;
import org.apache.kafka.streams.KafkaStreams;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Liveness and readiness from the service's parts, read when asked.
 *
 * <p>Live: the Kafka Streams client is starting, rebalancing or running, and no stream thread has died; anything
 * else (ERROR, PENDING_ERROR, NOT_RUNNING, PENDING_SHUTDOWN, a dead thread) only a restart cures. Ready: live, and
 * the models are loaded, the schema registry answered recently, the client is RUNNING (not REBALANCING: its
 * partitions are moving) and its outputs keep up (not stalled with inputs pending). Readiness includes liveness so
 * that an instance about to be restarted takes no traffic.
 */
public final class HealthChecks {

    private final BooleanSupplier modelsLoaded;
    private final Supplier<RegistryHealth.Result> registry;
    private final Supplier<KafkaStreams.State> streamsState;
    private final BooleanSupplier streamThreadDied;
    private final Supplier<Progress> progress;

    /**
     * @param modelsLoaded     whether every configured model is loaded
     * @param registry         the latest registry probe result, e.g. {@code probe::latest}
     * @param streamsState     the client's state, e.g. {@code streams::state}
     * @param streamThreadDied set once a stream thread died (from the uncaught exception handler)
     * @param progress         pending inputs and the time since the last output
     */
    public HealthChecks(BooleanSupplier modelsLoaded, Supplier<RegistryHealth.Result> registry,
                        Supplier<KafkaStreams.State> streamsState, BooleanSupplier streamThreadDied,
                        Supplier<Progress> progress) {
        this.modelsLoaded = Objects.requireNonNull(modelsLoaded, "modelsLoaded");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.streamsState = Objects.requireNonNull(streamsState, "streamsState");
        this.streamThreadDied = Objects.requireNonNull(streamThreadDied, "streamThreadDied");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    public HealthVerdict liveness() {
        KafkaStreams.State state = streamsState.get();
        return new HealthVerdict(List.of(
                new Check("streams", isLive(state), state.name()),
                streamThreads()));
    }

    public HealthVerdict readiness() {
        KafkaStreams.State state = streamsState.get();
        RegistryHealth.Result probe = registry.get();
        boolean loaded = modelsLoaded.getAsBoolean();
        return new HealthVerdict(List.of(
                new Check("streams", state == KafkaStreams.State.RUNNING, state.name()),
                streamThreads(),
                new Check("models", loaded, loaded ? "loaded" : "not loaded"),
                new Check("registry", probe.reachable(), probe.detail()),
                progress.get().check()));
    }

    private Check streamThreads() {
        boolean died = streamThreadDied.getAsBoolean();
        return new Check("stream-threads", !died, died ? "a stream thread died" : "alive");
    }

    /** Exhaustive on purpose: a state a later Kafka adds must be placed here before this compiles. */
    private static boolean isLive(KafkaStreams.State state) {
        return switch (state) {
            case CREATED, REBALANCING, RUNNING -> true;
            case PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR -> false;
        };
    }
}
