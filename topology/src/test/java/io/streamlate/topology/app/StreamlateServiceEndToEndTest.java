package io.streamlate.topology.app;

import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.topology.Topics;
import io.streamlate.topology.backpressure.BackpressureController;
import io.streamlate.topology.backpressure.PausePolicy;
import io.streamlate.topology.config.StreamlateConfig;
import io.streamlate.topology.config.TopologyConfig;
import io.streamlate.topology.processing.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.streamlate.topology.app.EndToEndFixture.TEXTS;
import static io.streamlate.topology.app.EndToEndFixture.bytes;
import static io.streamlate.topology.app.EndToEndFixture.event;
import static io.streamlate.topology.app.EndToEndFixture.get;
import static io.streamlate.topology.app.EndToEndFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's real wiring ({@link ServiceConfig#build} + {@link StreamlateService#start}) on the real
 * in-process broker, the real Apicurio registry and the tiny fixture model, with exactly_once_v2: every valid event
 * gets exactly one translation and one alignment, in per-key order, and every bad input exactly one dead letter.
 */
class StreamlateServiceEndToEndTest {

    private static final int PARTITIONS = 3;
    private static final int KEYS = 6;
    private static final int VALID = 60;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @RegisterExtension
    static final EndToEndPeers PEERS = new EndToEndPeers();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void exactlyOneOutputPerInputInKeyOrderWithExactlyOnceV2(@TempDir Path stateDirectory) throws Exception {
        String prefix = "e2e-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Properties file = EndToEndFixture.file(prefix, stateDirectory);
        file.setProperty(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2");
        ServiceConfig config = PEERS.fixture().config(file, prefix + "app", "exactly_once_v2");
        assertThat(config.streams().getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        TopologyConfig topology = config.topology();
        Topics topics = PEERS.fixture().createTopics(config, PARTITIONS);

        long started = System.nanoTime();
        try (StreamlateService service = StreamlateService.start(config)) {
            assertThat(service.awaitRunning(WAIT)).as("RUNNING within %s (state %s)", WAIT, service.state())
                    .isTrue();
            long running = System.nanoTime();

            Map<String, List<String>> sentPerKey = new LinkedHashMap<>();
            Map<String, ErrorClass> bad = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = PEERS.fixture().producer()) {
                for (int i = 0; i < VALID; i++) {
                    String key = "doc-" + (i % KEYS);
                    String id = "s" + i;
                    sentPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
                    send(producer, topics, key, event(id, TEXTS[i % TEXTS.length], i % 5 == 0 ? null : "fr"));
                    if (i == 20) {
                        producer.send(new ProducerRecord<>(topology.inputTopic(), bytes("bad-garbage"),
                                bytes("\u0000garbage, not Avro")));
                        bad.put("bad-garbage", ErrorClass.DESERIALIZATION);
                    } else if (i == 30) {
                        send(producer, topics, "bad-empty", event("bad-empty", "", "fr"));
                        bad.put("bad-empty", ErrorClass.EMPTY_TEXT);
                    } else if (i == 40) {
                        send(producer, topics, "bad-pair", event("bad-pair", "Hello world.", "de"));
                        bad.put("bad-pair", ErrorClass.UNSUPPORTED_LANGUAGE_PAIR);
                    }
                }
                producer.flush();
            }

            List<ConsumerRecord<byte[], Translation>> translations;
            List<ConsumerRecord<byte[], Alignment>> alignments;
            List<ConsumerRecord<byte[], DeadLetter>> deadLetters;
            try (EndToEndFixture.Outputs outputs = PEERS.fixture().outputs(topics, prefix + "checker")) {
                translations = outputs.translations;
                alignments = outputs.alignments;
                deadLetters = outputs.deadLetters;
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (translations.size() < VALID || alignments.size() < VALID || deadLetters.size() < bad.size()) {
                    assertThat(System.nanoTime()).as("all outputs within %s; have %d translations, %d alignments, "
                                    + "%d dead letters", WAIT, translations.size(), alignments.size(),
                            deadLetters.size()).isLessThan(deadline);
                    outputs.poll();
                }
                long done = System.nanoTime();
                System.out.printf("end-to-end: RUNNING after %d ms, %d inputs translated in %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(running - started), VALID + bad.size(),
                        TimeUnit.NANOSECONDS.toMillis(done - running));
                // nothing more must come: duplicates would show up here (a few commit intervals)
                long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < quiet) {
                    outputs.poll();
                }
            }
            assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);

            // exactly one translation and one alignment per valid event, counted by id
            Map<String, Long> translationIds = translations.stream().collect(Collectors.groupingBy(
                    record -> record.value().getId(), Collectors.counting()));
            Map<String, Long> alignmentIds = alignments.stream().collect(Collectors.groupingBy(
                    record -> record.value().getId(), Collectors.counting()));
            Map<String, Long> once = new HashMap<>();
            sentPerKey.values().forEach(ids -> ids.forEach(id -> once.put(id, 1L)));
            assertThat(translationIds).isEqualTo(once);
            assertThat(alignmentIds).isEqualTo(once);

            // per-key order: within each key, the translations' ids in the input's order
            Map<String, List<String>> translatedPerKey = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], Translation> record : translations) {
                translatedPerKey.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8),
                        k -> new ArrayList<>()).add(record.value().getId());
                assertThat(record.value().getTargetLanguage()).isEqualTo("fr");
                assertThat(record.value().getTranslatedText()).isNotBlank();
            }
            assertThat(translatedPerKey).isEqualTo(sentPerKey);
            Map<String, List<String>> alignedPerKey = new LinkedHashMap<>();
            alignments.forEach(record -> alignedPerKey.computeIfAbsent(
                    new String(record.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(record.value().getId()));
            assertThat(alignedPerKey).isEqualTo(sentPerKey);

            // every bad input exactly once in the dead-letter topic, with its class
            Map<String, ErrorClass> dead = new HashMap<>();
            for (ConsumerRecord<byte[], DeadLetter> record : deadLetters) {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                assertThat(dead.put(key, record.value().getErrorClass())).as("second dead letter for %s", key)
                        .isNull();
                assertThat(record.value().getTopic()).isEqualTo(topology.inputTopic());
                // the KIP-1034 error headers, as Kafka Streams' own dead-letter records carry them
                assertThat(header(record, DeadLetterHeaders.TOPIC)).isEqualTo(topology.inputTopic());
                assertThat(header(record, DeadLetterHeaders.OFFSET))
                        .isEqualTo(Long.toString(record.value().getOffset()));
                assertThat(header(record, DeadLetterHeaders.PARTITION))
                        .isEqualTo(Integer.toString(record.value().getPartition()));
                assertThat(header(record, DeadLetterHeaders.MESSAGE)).isEqualTo(record.value().getReason());
                assertThat(header(record, DeadLetterHeaders.EXCEPTION)).startsWith("io.streamlate.");
            }
            assertThat(dead).isEqualTo(bad);

            // what an operator sees: ready, and the counts in the metrics
            int port = service.httpPort().orElseThrow();
            assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            String metrics = get(port, "/metrics").body();
            assertThat(metrics).contains("streamlate_sentences_translated_total{pair=\"en-fr\"} " + VALID + ".0",
                    "streamlate_dead_letters_total{reason=\"DESERIALIZATION\"} 1.0",
                    "streamlate_dead_letters_total{reason=\"EMPTY_TEXT\"} 1.0",
                    "streamlate_dead_letters_total{reason=\"UNSUPPORTED_LANGUAGE_PAIR\"} 1.0",
                    "streamlate_pending_inputs 0.0", "streamlate_execution_provider{provider=\"cpu\"} 1.0",
                    "kafka_consumer_fetch_manager_records_lag_max");
        }
    }

    /**
     * A queue far smaller than the backlog: the controller must pause Kafka Streams (consumption waits instead of
     * buffering) and every input still gets exactly one output, in per-key order.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aBacklogLargerThanTheQueuePausesConsumptionAndLosesNothing(@TempDir Path stateDirectory)
            throws Exception {
        String prefix = "bp-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Properties file = EndToEndFixture.file(prefix, stateDirectory);
        file.setProperty(StreamlateConfig.BATCH_MAX_SENTENCES, "2");
        file.setProperty(StreamlateConfig.BATCH_MAX_QUEUED, "4");
        file.setProperty(StreamlateConfig.BATCH_WORKERS, "1");
        ServiceConfig config = PEERS.fixture().config(file, prefix + "app", "exactly_once_v2");
        assertThat(config.topology().pausePolicy()).isEqualTo(new PausePolicy(3, 1));
        Topics topics = PEERS.fixture().createTopics(config, PARTITIONS);
        int backlog = 150;
        Map<String, List<String>> sentPerKey = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = PEERS.fixture().producer()) {
            for (int i = 0; i < backlog; i++) {
                String key = "doc-" + (i % KEYS);
                sentPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add("s" + i);
                send(producer, topics, key, event("s" + i, TEXTS[i % TEXTS.length], "fr"));
            }
        }
        try (StreamlateService service = StreamlateService.start(config);
             EndToEndFixture.Outputs outputs = PEERS.fixture().outputs(topics, prefix + "checker")) {
            outputs.awaitAll(sentPerKey.values().stream().flatMap(List::stream).collect(Collectors.toSet()), WAIT,
                    Duration.ofSeconds(2));
            System.out.printf("backpressure: %d inputs, paused %d times%n", backlog,
                    service.backpressure().pauses());
            assertThat(service.backpressure().pauses()).as("times consumption was paused").isPositive();
            assertThat(service.backpressure().reason()).isEqualTo(BackpressureController.Reason.NONE);
            assertThat(outputs.translationIds().values()).hasSize(backlog).containsOnly(1L);
            assertThat(outputs.alignmentIds().values()).hasSize(backlog).containsOnly(1L);
            Map<String, List<String>> translatedPerKey = new LinkedHashMap<>();
            outputs.translations.forEach(record -> translatedPerKey.computeIfAbsent(
                    new String(record.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(record.value().getId()));
            assertThat(translatedPerKey).isEqualTo(sentPerKey);
            assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static String header(ConsumerRecord<byte[], ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
