package io.streamlate.topology.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamlate.model.LanguagePair;
import io.streamlate.model.ModelRegistry;
import io.streamlate.model.Translator;
import io.streamlate.model.batching.MicroBatcher;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import io.streamlate.topology.Topics;
import io.streamlate.topology.TranslationTopology;
import io.streamlate.topology.backpressure.BackpressureController;
import io.streamlate.topology.backpressure.PauseSwitch;
import io.streamlate.topology.observability.HealthChecks;
import io.streamlate.topology.observability.HealthServer;
import io.streamlate.topology.registry.RegistryHealth;
import io.streamlate.topology.registry.RegistryView;
import io.streamlate.topology.registry.SchemaLookups;
import io.streamlate.topology.observability.StreamlateMetrics;
import io.streamlate.topology.processing.BatchSubmitter;
import io.streamlate.topology.view.LiveView;
import io.streamlate.topology.view.RecentTranslations;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running instance of the service: models → micro-batcher → {@link TranslationTopology#build} →
 * {@link KafkaStreams}, with its backpressure controller, metrics and health endpoints. The application's only
 * wiring, used by {@link StreamlateApp} and by the end-to-end tests.
 *
 * <p>Start: the models load, the output schemas are resolved in the registry (so writing outputs never needs it
 * again; an unreachable registry fails the start), Kafka Streams starts, then the controller and the HTTP server.
 * A stream thread that dies shuts the client down (the app then exits non-zero and liveness fails); before RUNNING,
 * {@link #awaitRunning} then fails at once with the cause, a refused SASL login or TLS handshake or a request the
 * broker's authorizer denied explained ({@link KafkaFailures}): the Kafka clients do not retry those.
 *
 * <p>{@link #close()} stops in dependency order: the controller, Kafka Streams (tasks close, pending inputs stay
 * committed), the batcher (drains what is queued, abandons the rest at its deadline), the models (which must
 * outlive every engine call), the registry probe and metric binders, and the HTTP server last. Every step runs
 * even if an earlier one failed; failures are logged and rethrown together.
 */
public final class StreamlateService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamlateService.class);
    /** How often the registry health asks the registry, and how old its answer may be. */
    static final Duration REGISTRY_CHECK_INTERVAL = Duration.ofSeconds(1);
    static final Duration REGISTRY_ANSWER_MAX_AGE = Duration.ofSeconds(5);

    private final ModelRegistry models;
    private final MicroBatcher batcher;
    private final BackpressureController backpressure;
    private final InstanceListener listener;
    private final RecentTranslations recent;
    private final PrometheusMeterRegistry meters;
    private final StreamlateMetrics metrics;
    private final SchemaRegistryClient registryClient;
    private final RegistryHealth registryHealth;
    private final SchemaLookups schemaLookups;
    private KafkaStreams streams;
    private HealthServer health;
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private final AtomicBoolean streamThreadDied = new AtomicBoolean();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Duration closeTimeout;

    private StreamlateService(ServiceConfig config) {
        this.closeTimeout = config.shutdownTimeout();
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new StreamlateMetrics(meters);
        metrics.bindJvmAndProcess();
        this.models = new ModelRegistry(config.engine().sessions());
        // one client for the whole instance: the health checks and every serde share its connections and cache
        this.registryClient = new SchemaRegistryClient(RegistryConfig.from(config.serdes()));
        this.registryHealth = RegistryHealth.start(registryClient::checkReachable, REGISTRY_CHECK_INTERVAL,
                REGISTRY_ANSWER_MAX_AGE, Clock.systemUTC());
        this.schemaLookups = new SchemaLookups(registryClient, registryHealth::failed);
        this.batcher = MicroBatcher.builder(models::find)
                .policy(config.topology().batchPolicy())
                .options(config.topology()::engineOptions)
                .listener(metrics)
                .build();
        this.backpressure = new BackpressureController(config.topology().pausePolicy(), batcher::queued,
                registryHealth::available);
        this.recent = new RecentTranslations(config.view());
        this.listener = new InstanceListener(metrics, registryHealth, config.stallAfter(), recent);
        metrics.gaugePendingInputs(listener::pending);
        metrics.gaugeBatcher(batcher::queued, batcher::inFlight);
        metrics.gaugePaused(() -> backpressure.reason() != BackpressureController.Reason.NONE);
    }

    /** Loads the configured models, builds the batcher and the topology, and starts Kafka Streams. */
    public static StreamlateService start(ServiceConfig config) {
        StreamlateService service = new StreamlateService(config);
        try {
            service.run(config);
            return service;
        } catch (RuntimeException | Error e) {
            try {
                service.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private void run(ServiceConfig config) {
        for (Path directory : config.engine().models()) {
            LanguagePair pair = models.load(directory);
            Translator translator = models.get(pair);
            metrics.modelLoaded(pair, translator.manifest().modelId(), translator.manifest().modelVersion(),
                    translator.device());
            metrics.countTokenized(pair, translator);
            log.info("Loaded model {} {} for {} from {} on {}", translator.manifest().modelId(),
                    translator.manifest().modelVersion(), pair, directory, translator.device());
        }
        Topics topics = Topics.of(config.topology(), config.serdes(), registryClient);
        topics.prepareOutputs();
        Topology topology = TranslationTopology.build(config.topology(), BatchSubmitter.of(batcher), topics,
                listener, new RegistryView(registryHealth::available, schemaLookups::ready));
        log.info("Topology:\n{}", topology.describe());
        streams = new KafkaStreams(topology, config.streams());
        streams.setStateListener((now, before) -> {
            state.set(now);
            log.info("Kafka Streams {} -> {}", before, now);
            if (before == KafkaStreams.State.RUNNING && now == KafkaStreams.State.REBALANCING) {
                metrics.rebalanced();
            }
            // ERROR ends the wait too: awaitRunning then fails at once instead of at its timeout
            if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(error -> {
            streamThreadDied.set(true);
            String why = KafkaFailures.explain(error, config.streams());
            failure.compareAndSet(null, why);
            log.error("A stream thread died; shutting the client down: {}", why, error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        metrics.bindStreams(streams);
        streams.start();
        backpressure.start(PauseSwitch.of(streams));
        if (config.httpPort() >= 0) {
            health = HealthServer.start(config.httpHost(), config.httpPort(), meters, new HealthChecks(
                    () -> !models.languagePairs().isEmpty(), registryHealth::latest, state::get,
                    streamThreadDied::get, listener::progress),
                    config.view().enabled() ? new LiveView(recent).endpoints() : Map.of());
            log.info("Health and metrics on http://{}:{}/ (health/live, health/ready, metrics){}", config.httpHost(),
                    health.port(), config.view().enabled() ? "; the live alignment view at /" : "");
        }
    }

    /**
     * Waits for the RUNNING state (via the state listener).
     *
     * @return false if it did not come within {@code timeout}
     * @throws IllegalStateException if Kafka Streams failed instead, with {@link #failure()}'s reason
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        if (state.get() == KafkaStreams.State.ERROR) {
            throw new IllegalStateException("Kafka Streams failed to start: " + failure().orElse("see the log"));
        }
        return true;
    }

    /** Why a stream thread died (Kafka's refusal explained where {@link KafkaFailures} knows it); empty while none. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure.get());
    }

    public KafkaStreams.State state() {
        return state.get();
    }

    public MicroBatcher batcher() {
        return batcher;
    }

    public BackpressureController backpressure() {
        return backpressure;
    }

    /** The port of the health and metrics server, empty when it is off ({@code streamlate.http.port} = -1). */
    public Optional<Integer> httpPort() {
        return Optional.ofNullable(health).map(HealthServer::port);
    }

    /** The live alignment view's address on this machine; empty when the HTTP server or the view is off. */
    public Optional<URI> viewUrl() {
        return recent.settings().enabled() ? httpPort().map(port -> URI.create("http://localhost:" + port
                + LiveView.PAGE_PATH)) : Optional.empty();
    }

    /** Closes everything in dependency order (see the class comment), each step bounded; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
        step(failures, "stopping the backpressure controller", backpressure::close);
        step(failures, "closing Kafka Streams", () -> {
            // leaving the group at once: the survivors take the partitions now, not a session timeout later
            if (streams != null && !streams.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(closeTimeout))) {
                throw new IllegalStateException("Kafka Streams did not close within " + closeTimeout);
            }
        });
        step(failures, "closing the batcher", () -> {
            if (!batcher.close(closeTimeout)) {
                log.warn("The batcher abandoned items at its {} deadline; they stay pending and are re-submitted "
                        + "after restart", closeTimeout);
            }
        });
        step(failures, "closing the models", models::close);
        step(failures, "stopping the schema lookups", schemaLookups::close);
        step(failures, "stopping the registry health checks", registryHealth::close);
        step(failures, "stopping the metric binders", metrics::close);
        step(failures, "stopping the HTTP server", () -> {
            if (health != null) {
                health.close();
            }
        });
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
        log.info("Stopped");
    }

    private static void step(List<RuntimeException> failures, String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.error("Failed {}", what, e);
            failures.add(e);
        }
    }
}
