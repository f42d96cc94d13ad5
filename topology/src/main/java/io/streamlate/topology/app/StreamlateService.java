package io.streamlate.topology.app;

import io.streamlate.model.ModelRegistry;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.topology.TranslationTopology;
import io.streamlate.topology.batching.MicroBatcher;
import io.streamlate.topology.batching.SourceTokenCounter;
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
    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Duration closeTimeout;

    private StreamlateService(ModelRegistry models, MicroBatcher batcher, KafkaStreams streams,
                              Duration closeTimeout) {
        this.models = models;
        this.batcher = batcher;
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

    /** Loads the models, builds the batcher and the topology, and starts Kafka Streams. */
    public static StreamlateService start(ServiceConfig config, List<Path> modelDirectories,
                                          SessionSettings sessions) {
        return start(config, modelDirectories, sessions, DEFAULT_STREAMS_CLOSE_TIMEOUT);
    }

    public static StreamlateService start(ServiceConfig config, List<Path> modelDirectories,
                                          SessionSettings sessions, Duration closeTimeout) {
        if (modelDirectories.isEmpty()) {
            throw new IllegalArgumentException("at least one model directory is needed");
        }
        ModelRegistry models = new ModelRegistry(sessions);
        MicroBatcher batcher = null;
        try {
            for (Path directory : modelDirectories) {
                log.info("Loaded model {} from {}", models.load(directory), directory);
            }
            batcher = MicroBatcher.builder(models::get, new SourceTokenCounter(models::get))
                    .policy(config.topology().batchPolicy())
                    .build();
            Topology topology = TranslationTopology.build(config.topology(), batcher, config.serdes());
            log.info("Topology:\n{}", topology.describe());
            StreamlateService service = new StreamlateService(models, batcher,
                    new KafkaStreams(topology, config.streams()), closeTimeout);
            service.streams.start();
            return service;
        } catch (RuntimeException | Error e) {
            if (batcher != null) {
                batcher.close(Duration.ZERO);
            }
            models.close();
            throw e;
        }
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

    /** Closes streams (bounded), then the batcher (drain, bounded), then the models; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
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
