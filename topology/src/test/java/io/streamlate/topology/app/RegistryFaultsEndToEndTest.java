package io.streamlate.topology.app;

import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import io.streamlate.topology.Topics;
import io.streamlate.topology.backpressure.BackpressureController;
import io.streamlate.topology.registry.SlowProxy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.streamlate.topology.app.EndToEndFixture.TEXTS;
import static io.streamlate.topology.app.EndToEndFixture.await;
import static io.streamlate.topology.app.EndToEndFixture.bytes;
import static io.streamlate.topology.app.EndToEndFixture.event;
import static io.streamlate.topology.app.EndToEndFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service with its shipped defaults (exactly_once_v2) on the real broker while the real registry hangs or
 * answers slowly, with inputs whose writer schema the instance has never looked up. Their lookups must go on off
 * the stream thread: the inputs wait pending and undecoded, consumption pauses while the registry does not answer,
 * readiness says so, nothing is fenced or rebalanced, and afterwards each input has exactly one output in per-key
 * order. A sampler watches the stream threads' stacks throughout and counts any moment spent in a registry call.
 */
class RegistryFaultsEndToEndTest {

    private static final int PARTITIONS = 3;
    private static final int KEYS = 6;
    private static final int INPUTS = 30;
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** Longer than the transaction timeout (10 s) and the registry client's read timeout (10 s). */
    private static final Duration FROZEN = Duration.ofSeconds(25);

    @RegisterExtension
    static final EndToEndPeers PEERS = new EndToEndPeers();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aFrozenRegistryHoldsNoStreamThreadAndFencesNothing(@TempDir Path state) throws Exception {
        String prefix = "frozen-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ServiceConfig config = PEERS.fixture().config(EndToEndFixture.file(prefix, state), prefix + "app",
                StreamsConfig.EXACTLY_ONCE_V2);
        Topics topics = PEERS.fixture().createTopics(config, PARTITIONS);
        Inputs inputs = Inputs.serialized(topics); // registered now; the instance has never looked the id up
        try (StreamlateService service = StreamlateService.start(config);
             EndToEndFixture.Outputs outputs = PEERS.fixture().outputs(topics, prefix + "checker");
             KafkaProducer<byte[], byte[]> producer = PEERS.fixture().producer()) {
            assertThat(service.awaitRunning(WAIT)).isTrue();
            int port = service.httpPort().orElseThrow();
            StreamThreadSampler sampler = StreamThreadSampler.start();
            PEERS.fixture().freezeRegistry();
            long frozenAt = System.nanoTime();
            try {
                inputs.send(producer);
                await(WAIT, () -> "all inputs pending: " + metric(port, "streamlate_pending_inputs"),
                        () -> metric(port, "streamlate_pending_inputs") == INPUTS);
                await(WAIT, () -> "consumption paused for the registry: " + service.backpressure().reason(),
                        () -> service.backpressure().reason() == BackpressureController.Reason.REGISTRY_DOWN);
                AtomicReference<String> readiness = new AtomicReference<>();
                await(WAIT, readiness::get, () -> {
                    readiness.set(get(port, "/health/ready").body());
                    return readiness.get().contains("{\"name\":\"registry\",\"status\":\"DOWN\"");
                });
                assertThat(get(port, "/health/ready").statusCode()).isEqualTo(503);
                assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
                while (System.nanoTime() - frozenAt < FROZEN.toNanos()) {
                    outputs.poll(); // the fault lasts FROZEN; meanwhile nothing may come out or move
                    assertThat(outputs.translations).isEmpty();
                    assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
                }
            } finally {
                PEERS.fixture().thawRegistry();
            }
            outputs.awaitAll(inputs.ids(), WAIT, Duration.ofSeconds(2));
            sampler.stop();

            System.out.printf("frozen registry: %d stream-thread samples, %d inside a registry call; %d "
                            + "rebalances%n", sampler.samples(), sampler.inRegistry(),
                    metric(port, "streamlate_rebalances_total"));
            inputs.assertExactlyOnceInKeyOrder(outputs);
            assertThat(sampler.samples()).as("stream-thread samples").isGreaterThan(100);
            assertThat(sampler.inRegistry()).as("samples of a stream thread inside a registry call").isZero();
            assertThat(metric(port, "streamlate_rebalances_total")).as("rebalances (a fenced task rejoins)")
                    .isZero();
            await(WAIT, () -> "ready again", () -> get(port, "/health/ready").statusCode() == 200);
            assertThat(service.backpressure().reason()).isEqualTo(BackpressureController.Reason.NONE);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aSlowRegistryHoldsNoStreamThread(@TempDir Path state) throws Exception {
        String prefix = "slow-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        URI server = PEERS.fixture().registryServer();
        try (SlowProxy proxy = SlowProxy.start(server.getHost(), server.getPort(), Duration.ZERO)) {
            ServiceConfig config = PEERS.fixture().config(EndToEndFixture.file(prefix, state), prefix + "app",
                    StreamsConfig.EXACTLY_ONCE_V2, PEERS.fixture().registryUrlVia("127.0.0.1", proxy.port()));
            Topics topics = PEERS.fixture().createTopics(config, PARTITIONS);
            Inputs inputs = Inputs.serialized(topics);
            try (StreamlateService service = StreamlateService.start(config);
                 EndToEndFixture.Outputs outputs = PEERS.fixture().outputs(topics, prefix + "checker");
                 KafkaProducer<byte[], byte[]> producer = PEERS.fixture().producer()) {
                assertThat(service.awaitRunning(WAIT)).isTrue();
                int port = service.httpPort().orElseThrow();
                StreamThreadSampler sampler = StreamThreadSampler.start();
                // within the registry health's 5 s bound: slow, not down
                proxy.delay(Duration.ofMillis(1_500));
                long sent = System.nanoTime();
                inputs.send(producer);
                outputs.awaitAll(inputs.ids(), WAIT, Duration.ofSeconds(2));
                sampler.stop();

                System.out.printf("slow registry: all outputs %d ms after sending; %d stream-thread samples, %d "
                                + "inside a registry call; %d rebalances%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent), sampler.samples(),
                        sampler.inRegistry(), metric(port, "streamlate_rebalances_total"));
                inputs.assertExactlyOnceInKeyOrder(outputs);
                assertThat(sampler.samples()).as("stream-thread samples").isGreaterThan(10);
                assertThat(sampler.inRegistry()).as("samples of a stream thread inside a registry call").isZero();
                assertThat(metric(port, "streamlate_rebalances_total")).isZero();
            }
        }
    }

    /** One un-labelled Prometheus sample of {@code /metrics}, as a whole number. */
    private long metric(int port, String name) {
        return get(port, "/metrics").body().lines().filter(line -> line.startsWith(name + " "))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(name.length() + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in /metrics"));
    }

    /** The test's inputs, serialized (and their schema registered) before any fault. */
    private record Inputs(String topic, List<ProducerRecord<byte[], byte[]>> records,
                          Map<String, List<String>> idsPerKey) {

        static Inputs serialized(Topics topics) {
            String topic = topics.input().name();
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            Map<String, List<String>> idsPerKey = new LinkedHashMap<>();
            for (int i = 0; i < INPUTS; i++) {
                String key = "doc-" + (i % KEYS);
                String id = "s" + i;
                idsPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
                records.add(new ProducerRecord<>(topic, bytes(key), topics.input().valueSerde().serializer()
                        .serialize(topic, event(id, TEXTS[i % TEXTS.length], "fr"))));
            }
            return new Inputs(topic, records, idsPerKey);
        }

        void send(KafkaProducer<byte[], byte[]> producer) {
            records.forEach(producer::send);
            producer.flush();
        }

        Set<String> ids() {
            Set<String> ids = new LinkedHashSet<>();
            idsPerKey.values().forEach(ids::addAll);
            return ids;
        }

        void assertExactlyOnceInKeyOrder(EndToEndFixture.Outputs outputs) {
            assertThat(outputs.translationIds().values()).hasSize(INPUTS).containsOnly(1L);
            assertThat(outputs.alignmentIds().values()).hasSize(INPUTS).containsOnly(1L);
            assertThat(outputs.deadLetters).isEmpty();
            Map<String, List<String>> translatedPerKey = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], Translation> record : outputs.translations) {
                translatedPerKey.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8),
                        k -> new ArrayList<>()).add(record.value().getId());
            }
            assertThat(translatedPerKey).isEqualTo(idsPerKey);
        }
    }

    /**
     * Samples every Kafka Streams thread's stack every 10 ms and counts the samples caught in a request to the
     * registry (the registry client sending, or the JDK's HTTP client): a stream thread waiting on the registry for
     * even a fraction of a second shows. The client's cache lookups do not count: every output record's serializer
     * asks the cache for its schema id, in memory, and a sample caught one once in CI.
     */
    private static final class StreamThreadSampler {
        private final AtomicInteger samples = new AtomicInteger();
        private final AtomicInteger inRegistry = new AtomicInteger();
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::run, "stream-thread-sampler");

        static StreamThreadSampler start() {
            StreamThreadSampler sampler = new StreamThreadSampler();
            sampler.thread.setDaemon(true);
            sampler.thread.start();
            return sampler;
        }

        private void run() {
            while (running) {
                Thread.getAllStackTraces().forEach((thread, stack) -> {
                    if (thread.getName().contains("-StreamThread-")) {
                        samples.incrementAndGet();
                        for (StackTraceElement frame : stack) {
                            if (isRegistryRequest(frame)) {
                                inRegistry.incrementAndGet();
                                break;
                            }
                        }
                    }
                });
                try {
                    Thread.sleep(10); // the sampling period
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static boolean isRegistryRequest(StackTraceElement frame) {
            String type = frame.getClassName();
            return type.startsWith("java.net.http.") || type.startsWith("jdk.internal.net.http.")
                    || type.equals(SchemaRegistryClient.class.getName()) && frame.getMethodName().startsWith("send");
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        int samples() {
            return samples.get();
        }

        int inRegistry() {
            return inRegistry.get();
        }
    }
}
