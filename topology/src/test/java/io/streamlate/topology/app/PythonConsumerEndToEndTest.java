package io.streamlate.topology.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlate.schemas.alignment.AttentionDecoder;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamlate.topology.app.EndToEndFixture.TEXTS;
import static io.streamlate.topology.app.EndToEndFixture.bytes;
import static io.streamlate.topology.app.EndToEndFixture.event;
import static io.streamlate.topology.app.EndToEndFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The example Python consumer of schemas/python (Debian's python3-confluent-kafka and python3-numpy) on Alignment
 * records the service wrote through the real broker and Apicurio with the tiny model: one JSON line per alignment,
 * each matrix the Java {@link AttentionDecoder}'s to the float32 bit, and records it cannot read skipped.
 */
class PythonConsumerEndToEndTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** The test runs in topology/; the package lives beside the schemas it decodes. */
    private static final Path PACKAGE_ROOT = Path.of("../schemas/python");
    private static final int SENTENCES = 5;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void thePythonConsumerTurnsTheServicesAlignmentsIntoTheMatricesJavaDecodes(@TempDir Path dir) throws Exception {
        String prefix = "py-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        try (EndToEndFixture fixture = EndToEndFixture.start()) {
            Path stateDirectory = Files.createDirectories(dir.resolve("state"));
            ServiceConfig config = fixture.config(EndToEndFixture.file(prefix, stateDirectory), prefix + "app",
                    "exactly_once_v2");
            // one partition: the unreadable records written first are read before the service's, whatever the keys
            Topics topics = fixture.createTopics(config, 1);
            writeUnreadableAlignments(fixture, topics);

            Map<String, Alignment> written;
            try (StreamlateService service = StreamlateService.start(config)) {
                assertThat(service.awaitRunning(WAIT)).as("RUNNING within %s (state %s)", WAIT, service.state())
                        .isTrue();
                Set<String> ids = new TreeSet<>();
                try (KafkaProducer<byte[], byte[]> producer = fixture.producer()) {
                    for (int i = 0; i < SENTENCES; i++) {
                        ids.add("py-s" + i);
                        send(producer, topics, "doc-" + i, event("py-s" + i, TEXTS[i], "fr"));
                    }
                    producer.flush();
                }
                written = awaitAlignments(fixture, topics, prefix + "checker", ids);
            }

            Path stderr = dir.resolve("consumer.stderr");
            List<JsonNode> lines = runConsumer(fixture, topics.alignments().name(), prefix + "python", stderr);

            assertThat(lines).extracting(line -> line.get("id").asText())
                    .containsExactlyInAnyOrderElementsOf(written.keySet());
            for (JsonNode line : lines) {
                assertMatchesJava(line, written.get(line.get("id").asText()));
            }
            assertThat(Files.readString(stderr)).as("the consumer's stderr").contains("skipping the record at "
                    + topics.alignments().name() + " [0] offset 0", "skipping the record at "
                    + topics.alignments().name() + " [0] offset 1");
        }
    }

    /** A value not in Confluent's wire format and a well-formed Alignment whose attention does not decode. */
    private static void writeUnreadableAlignments(EndToEndFixture fixture, Topics topics) {
        String topic = topics.alignments().name();
        Alignment corrupt = Alignment.newBuilder().setId("corrupt").setModelId("m").setModelVersion("1")
                .setSourceSubwords(List.of("a")).setTargetSubwords(List.of("b")).setSourceWords(List.of("a"))
                .setTargetWords(List.of("b")).setSourceWordOfSubword(List.of(0)).setTargetWordOfSubword(List.of(0))
                .setHardAlignment("0-0").setAttention(ByteBuffer.wrap(new byte[] {2, 1, 1, 0x7f, 0x7f}))
                .setAttentionCodecVersion(2).build();
        try (KafkaProducer<byte[], byte[]> producer = fixture.producer()) {
            producer.send(new ProducerRecord<>(topic, bytes("bad-garbage"), bytes("garbage, not Avro")));
            producer.send(new ProducerRecord<>(topic, bytes("bad-corrupt"),
                    topics.alignments().valueSerde().serializer().serialize(topic, corrupt)));
            producer.flush();
        }
    }

    /** Reads the alignments topic read_committed until every id has its Alignment; the unreadable ones are skipped. */
    private static Map<String, Alignment> awaitAlignments(EndToEndFixture fixture, Topics topics, String group,
                                                          Set<String> ids) {
        Map<String, Alignment> alignments = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.alignments().name()));
            EndToEndFixture.await(WAIT, () -> "alignments of " + ids + ", have " + alignments.keySet(), () -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!new String(record.key(), StandardCharsets.UTF_8).startsWith("bad-")) {
                        Alignment alignment = topics.alignments().valueSerde().deserializer()
                                .deserialize(record.topic(), record.value());
                        alignments.put(alignment.getId(), alignment);
                    }
                }
                return alignments.keySet().containsAll(ids);
            });
        }
        return alignments;
    }

    private static List<JsonNode> runConsumer(EndToEndFixture fixture, String topic, String group, Path stderr)
            throws IOException, InterruptedException {
        assertThat(PYTHON).as("Debian's python3 (see .ci/debian-packages.txt)").isExecutable();
        ProcessBuilder builder = new ProcessBuilder(PYTHON.toString(), "-m", "streamlate_alignments.consume",
                "--bootstrap-servers", fixture.bootstrapServers(),
                "--schema-registry-url", fixture.registryUrl(),
                "--topic", topic,
                "--group", group,
                "--max-records", String.valueOf(SENTENCES),
                "--timeout", "60")
                .redirectError(stderr.toFile());
        builder.environment().put("PYTHONPATH", PACKAGE_ROOT.toAbsolutePath().normalize().toString());
        Process python = builder.start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!python.waitFor(90, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            throw new AssertionError("the Python consumer did not finish within 90 s");
        }
        assertThat(python.exitValue()).as("python exit status; stderr: %s", Files.readString(stderr)).isZero();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.lines().toList()) {
            lines.add(json.readTree(line));
        }
        return lines;
    }

    private static void assertMatchesJava(JsonNode line, Alignment alignment) {
        ByteBuffer attention = alignment.getAttention().duplicate();
        byte[] payload = new byte[attention.remaining()];
        attention.get(payload);
        float[][] expected = AttentionDecoder.decode(payload);
        String id = alignment.getId();

        assertThat(line.get("shape")).as("shape of %s", id).extracting(JsonNode::intValue)
                .containsExactly(alignment.getTargetSubwords().size(), alignment.getSourceSubwords().size());
        assertThat(floats(line.get("attention"))).as("attention of %s", id).isDeepEqualTo(expected);
        float[] rowSums = new float[expected.length];
        for (int r = 0; r < expected.length; r++) {
            for (float weight : expected[r]) {
                rowSums[r] += weight;
            }
            assertThat(line.get("row_sums").get(r).floatValue()).as("row sum %d of %s", r, id)
                    .isCloseTo(rowSums[r], within(1e-5f));
        }
        assertThat(line.get("target_subwords")).extracting(JsonNode::asText)
                .containsExactlyElementsOf(alignment.getTargetSubwords());
        assertThat(line.get("source_subwords")).extracting(JsonNode::asText)
                .containsExactlyElementsOf(alignment.getSourceSubwords());
        List<String> links = new ArrayList<>();
        line.get("links").forEach(link -> links.add(link.get(0).intValue() + "-" + link.get(1).intValue()));
        assertThat(String.join(" ", links)).as("links of %s", id).isEqualTo(alignment.getHardAlignment());
    }

    /** The JSON doubles the consumer wrote, each required to be a float32 value, as Python holds the weights. */
    private static float[][] floats(JsonNode matrix) {
        float[][] weights = new float[matrix.size()][];
        for (int r = 0; r < matrix.size(); r++) {
            JsonNode row = matrix.get(r);
            weights[r] = new float[row.size()];
            for (int c = 0; c < row.size(); c++) {
                double weight = row.get(c).doubleValue();
                assertThat((double) (float) weight).as("[%d][%d] is a float32 value", r, c).isEqualTo(weight);
                weights[r][c] = (float) weight;
            }
        }
        return weights;
    }
}
