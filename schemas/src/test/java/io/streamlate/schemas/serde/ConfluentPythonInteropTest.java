package io.streamlate.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.EmbeddedKafka;
import io.streamlate.schemas.LocalPeers;
import io.streamlate.schemas.avro.SentenceEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Confluent's own client on the other end, through a real broker and registry: Debian's python3-confluent-kafka
 * ({@code AvroConsumer} reads what our serializer wrote, {@code AvroProducer} writes what our deserializer reads),
 * both pointed at Apicurio's Confluent-compatible API.
 */
@ExtendWith(LocalPeers.class)
class ConfluentPythonInteropTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src/test/python/confluent_interop.py");
    private static final Path SCHEMA = Path.of("src/main/avro/SentenceEvent.avsc");

    @Test
    void confluentsPythonClientReadsOurRecordsAndWritesRecordsWeRead(EmbeddedKafka kafka, ApicurioRegistry registry)
            throws Exception {
        kafka.createTopic("from-java", 1);
        kafka.createTopic("from-python", 1);
        Map<String, Object> serdeProperties = LocalPeers.serdeProperties(registry, Map.of());
        SentenceEvent sent = SentenceEvent.newBuilder()
                .setId("java-1")
                .setText("Written by streamlate.")
                .setSourceLanguage("en")
                .setTargetLanguage("fr")
                .setDocumentId("doc-1")
                .setPosition(null)
                .setEventTime(Instant.parse("2025-03-01T12:00:00.123Z"))
                .setMetadata(Map.of("client", "streamlate"))
                .build();
        try (SpecificAvroSerde<SentenceEvent> serde = new SpecificAvroSerde<>(SentenceEvent.class)) {
            serde.configure(serdeProperties, false);
            produce(kafka, "from-java", serde.serializer().serialize("from-java", sent));

            JsonNode readByPython = new ObjectMapper().readTree(runPython(kafka, registry));

            assertThat(readByPython.path("id").asText()).isEqualTo("java-1");
            assertThat(readByPython.path("text").asText()).isEqualTo("Written by streamlate.");
            assertThat(readByPython.path("target_language").asText()).isEqualTo("fr");
            assertThat(readByPython.path("document_id").asText()).isEqualTo("doc-1");
            assertThat(readByPython.path("position").isNull()).isTrue();
            assertThat(readByPython.path("event_time").asText()).isEqualTo("2025-03-01 12:00:00.123000+00:00");
            assertThat(readByPython.path("metadata").path("client").asText()).isEqualTo("streamlate");

            SentenceEvent fromPython = serde.deserializer().deserialize("from-python", consumeOne(kafka,
                    "from-python"));

            assertThat(fromPython).isEqualTo(SentenceEvent.newBuilder()
                    .setId("py-1")
                    .setText("Written by Confluent's Python client.")
                    .setSourceLanguage("en")
                    .setTargetLanguage("de")
                    .setDocumentId(null)
                    .setPosition(7)
                    .setEventTime(Instant.parse("2025-03-01T12:00:00.123Z"))
                    .setMetadata(Map.of("client", "confluent-kafka-python"))
                    .build());
        }
    }

    private static String runPython(EmbeddedKafka kafka, ApicurioRegistry registry)
            throws IOException, InterruptedException {
        assertThat(PYTHON).as("Debian's python3 (see .ci/debian-packages.txt)").isExecutable();
        Process python = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(),
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--registry-url", registry.ccompatUrl().toString(),
                "--read-topic", "from-java",
                "--write-topic", "from-python",
                "--schema", SCHEMA.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!python.waitFor(120, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            throw new AssertionError("the Python client did not finish within 120 s");
        }
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.exitValue()).as("python exit status; stdout: %s", output).isZero();
        return output;
    }

    private static void produce(EmbeddedKafka kafka, String topic, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static byte[] consumeOne(EmbeddedKafka kafka, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "java-interop",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertThat(received).as("records on %s", topic).hasSize(1);
            return received.get(0).value();
        }
    }
}
