package io.streamlate.topology.app;

import io.streamlate.model.ModelRegistry;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.schemas.serde.AvroSerdeConfig;
import io.streamlate.topology.Topics;
import io.streamlate.topology.TranslationTopology;
import io.streamlate.topology.backpressure.BackpressureController;
import io.streamlate.topology.backpressure.PauseSwitch;
import io.streamlate.topology.batching.MicroBatcher;
import io.streamlate.topology.batching.SourceTokenCounter;
import io.streamlate.topology.processing.BatchSubmitter;
import io.streamlate.topology.processing.ProcessingListener;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * One running instance of the service: models → micro-batcher → {@link TranslationTopology#build} →
 * {@link KafkaStreams}. The application's only wiring, used by {@link StreamlateApp} and by the end-to-end tests.
 * {@link #close()} stops in dependency order: Kafka Streams first (tasks close, pending inputs stay committed), then
 * the batcher (drains what is queued, abandons the rest at its deadline), then the models, which must outlive every
 * engine call. Every step runs even if an earlier one failed; failures are logged and rethrown together.
 */
public final class StreamlateService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamlateService.class);
    public static final Duration DEFAULT_STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ModelRegistry models;
    private final MicroBatcher batcher;
    private final BackpressureController backpressure;
    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Duration closeTimeout;

    private StreamlateService(ModelRegistry models, MicroBatcher batcher, BackpressureController backpressure,
                              KafkaStreams streams, Duration closeTimeout) {
        this.models = models;
        this.batcher = batcher;
        this.backpressure = backpressure;
        this.streams = streams;
        this.closeTimeout = closeTimeout;
        streams.setStateListener((now, before) -> {
            state.set(now);
            log.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
    }

    /** Loads the configured models, builds the batcher and the topology, and starts Kafka Streams. */
    public static StreamlateService start(ServiceConfig config) {
        return start(config, config.engine().models(), config.engine().sessions(), DEFAULT_STREAMS_CLOSE_TIMEOUT);
    }

    public static StreamlateService start(ServiceConfig config, List<Path> modelDirectories,
                                          SessionSettings sessions, Duration closeTimeout) {
        if (modelDirectories.isEmpty()) {
            throw new IllegalArgumentException("at least one model directory is needed");
        }
        ModelRegistry models = new ModelRegistry(sessions);
        MicroBatcher batcher = null;
        BackpressureController backpressure = null;
        try {
            for (Path directory : modelDirectories) {
                log.info("Loaded model {} from {}", models.load(directory), directory);
            }
            batcher = MicroBatcher.builder(models::get, new SourceTokenCounter(models::get))
                    .policy(config.topology().batchPolicy())
                    .build();
            Topics topics = Topics.of(config.topology(), config.serdes());
            topics.prepareOutputs();
            MicroBatcher queue = batcher;
            backpressure = new BackpressureController(config.topology().pausePolicy(), queue::queued,
                    registryProbe(config));
            BackpressureController controller = backpressure;
            ProcessingListener listener = new ProcessingListener() {
                @Override
                public void registryFailed(SchemaRegistryException error) {
                    controller.registryFailed();
                }
            };
            Topology topology = TranslationTopology.build(config.topology(), BatchSubmitter.of(batcher), topics,
                    listener);
            log.info("Topology:\n{}", topology.describe());
            StreamlateService service = new StreamlateService(models, batcher, backpressure,
                    new KafkaStreams(topology, config.streams()), closeTimeout);
            service.streams.start();
            backpressure.start(PauseSwitch.of(service.streams));
            return service;
        } catch (RuntimeException | Error e) {
            if (backpressure != null) {
                backpressure.close();
            }
            if (batcher != null) {
                batcher.close(Duration.ZERO);
            }
            models.close();
            throw e;
        }
    }

    /**
     * True when the registry answers a question about the input topic's subject (not found counts: it answered),
     * with the serdes' own connection settings.
     */
    private static BooleanSupplier registryProbe(ServiceConfig config) {
        SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.from(config.serdes()));
        String subject = AvroSerdeConfig.subject(config.topology().inputTopic(), false);
        return () -> {
            try {
                client.latest(subject);
                return true;
            } catch (SchemaRegistryException e) {
                return e.isNotFound();
            }
        };
    }

    /** Waits for the RUNNING state (via the state listener). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
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

    /** Closes streams (bounded), then the batcher (drain, bounded), then the models; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
        step(failures, "stopping the backpressure controller", backpressure::close);
        step(failures, "closing Kafka Streams", () -> {
            if (!streams.close(closeTimeout)) {
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
