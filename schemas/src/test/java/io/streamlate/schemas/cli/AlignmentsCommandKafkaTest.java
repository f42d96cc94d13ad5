package io.streamlate.schemas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.EmbeddedKafka;
import io.streamlate.schemas.LocalPeers;
import io.streamlate.schemas.SampleRecords;
import io.streamlate.schemas.alignment.AttentionDecoder;
import io.streamlate.schemas.alignment.AttentionEncoder;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.streamlate.schemas.json.AttentionJsonAssert.assertAttention;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alignments command against the real in-process broker and Apicurio registry: records written by the
 * project's serializer, a value that is not in the wire format, a schema id the registry does not know and an
 * alignment whose attention payload is cut short.
 */
@ExtendWith(LocalPeers.class)
class AlignmentsCommandKafkaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final byte[] NOT_WIRE_FORMAT = "plain text".getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNKNOWN_SCHEMA_ID = {0, 0x7F, 0x00, 0x00, 0x01, 2, 4};

    private final EmbeddedKafka kafka;
    private final ApicurioRegistry registry;
    private String alignmentsTopic;
    private String translationsTopic;

    AlignmentsCommandKafkaTest(EmbeddedKafka kafka, ApicurioRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    @BeforeEach
    void createTopics(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName();
        alignmentsTopic = name + "-alignments";
        translationsTopic = name + "-translations";
        kafka.createTopic(alignmentsTopic, 1);
        kafka.createTopic(translationsTopic, 1);
    }

    @Test
    void writesAlignmentsAndTranslationsAsJsonLinesAndSkipsBadRecords() throws Exception {
        Alignment first = alignment("a-1", "0-0 1-1 2-2");
        Alignment second = alignment("a-2", "0-1 1-0");
        produceAlignments(first);
        produce(alignmentsTopic, NOT_WIRE_FORMAT);
        produce(alignmentsTopic, UNKNOWN_SCHEMA_ID);
        produceAlignments(withCutAttention(alignment("a-cut", "0-0")));
        produceAlignments(second);
        produceTranslation(SampleRecords.translation());

        CommandRun run = new CommandRun();
        int exitCode = run.execute(cluster("--topic", alignmentsTopic, "--topic", translationsTopic));

        assertThat(exitCode).as("stderr: %s", run.err.text()).isZero();
        List<JsonNode> lines = json(run.out.lines());
        List<JsonNode> alignments = lines.stream().filter(line -> line.path("type").asText().equals("alignment"))
                .toList();
        assertThat(alignments).extracting(line -> line.path("id").asText()).containsExactly("a-1", "a-2");
        assertAlignment(alignments.get(0), first);
        assertThat(alignments.get(0).path("kafka").toString()).startsWith("{\"topic\":\"" + alignmentsTopic
                + "\",\"partition\":0,\"offset\":0,\"timestamp\":");
        assertThat(alignments.get(1).path("kafka").path("offset").asLong()).isEqualTo(4);
        assertThat(alignments.get(1).path("links").toString()).isEqualTo("[[0,1],[1,0]]");
        JsonNode translation = lines.stream().filter(line -> line.path("type").asText().equals("translation"))
                .findFirst().orElseThrow();
        assertThat(lines).hasSize(3);
        assertThat(translation.path("id").asText()).isEqualTo("s-1");
        assertThat(translation.path("translated_text").asText()).isEqualTo("Le chat dort.");
        assertThat(translation.path("links").toString()).isEqualTo("[[0,0],[1,1],[2,2]]");
        assertThat(translation.path("kafka").path("topic").asText()).isEqualTo(translationsTopic);
        assertThat(run.err.lines()).containsExactly(
                "alignments: skipped " + alignmentsTopic + "-0@1: WRONG_MAGIC_BYTE: payload in value of topic "
                        + alignmentsTopic + " starts with 0x70, not the magic byte 0 of Confluent's wire format",
                "alignments: skipped " + alignmentsTopic + "-0@2: UNKNOWN_SCHEMA_ID: schema id 2130706433 is not "
                        + "in the registry",
                run.err.lines().get(2),
                "alignments: 3 records written, 3 skipped");
        assertThat(run.err.lines().get(2)).matches("alignments: skipped " + alignmentsTopic
                + "-0@3: (TRUNCATED|CORRUPT): .+");
    }

    @Test
    void writesOnePharaohLinePerAlignmentAndLeavesTranslationsOut() throws Exception {
        produceAlignments(alignment("a-1", "0-0  1-1 2-2"), alignment("a-bad", "0-0 x-1"), alignment("a-2", ""));
        produceTranslation(SampleRecords.translation());

        CommandRun run = new CommandRun();
        int exitCode = run.execute(cluster("--format", "pharaoh", "--topic", alignmentsTopic, "--topic",
                translationsTopic));

        assertThat(exitCode).as("stderr: %s", run.err.text()).isZero();
        assertThat(run.out.lines()).containsExactly("0-0 1-1 2-2", "");
        assertThat(run.err.lines()).containsExactly(
                "alignments: skipped " + alignmentsTopic + "-0@1: CORRUPT: 'x-1' in hard_alignment is not a "
                        + "Pharaoh link i-j",
                "alignments: 2 records written, 1 skipped, 1 translations not written (no pharaoh format for "
                        + "them)");
    }

    @Test
    void followKeepsReadingUntilStopped() throws Exception {
        produceAlignments(alignment("a-1", "0-0"));
        CommandRun run = new CommandRun();
        CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> run.execute(
                cluster("--follow", "--topic", alignmentsTopic)));

        run.out.awaitLines(1, WAIT);
        produceAlignments(alignment("a-2", "1-1"), alignment("a-3", "2-2"));
        List<String> lines = run.out.awaitLines(3, WAIT);
        run.command.stop();

        assertThat(exitCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("stderr: %s", run.err.text()).isZero();
        assertThat(json(lines)).extracting(line -> line.path("id").asText()).containsExactly("a-1", "a-2", "a-3");
        assertThat(run.err.lines()).containsExactly("alignments: 3 records written, 0 skipped");
    }

    @Test
    void aGroupGoesOnWhereItsLastRunStopped() throws Exception {
        produceAlignments(alignment("a-1", "0-0"), alignment("a-2", "1-1"), alignment("a-3", "2-2"));
        String group = "cli-" + alignmentsTopic;

        CommandRun first = new CommandRun();
        assertThat(first.execute(cluster("--group", group, "--max-records", "2", "--topic", alignmentsTopic)))
                .isZero();
        produceAlignments(alignment("a-4", "3-3"));
        CommandRun second = new CommandRun();
        assertThat(second.execute(cluster("--group", group, "--topic", alignmentsTopic))).isZero();

        assertThat(json(first.out.lines())).extracting(line -> line.path("id").asText()).containsExactly("a-1", "a-2");
        assertThat(json(second.out.lines())).extracting(line -> line.path("id").asText())
                .containsExactly("a-3", "a-4");
    }

    @Test
    void aClusterNeedsTheRegistry() {
        CommandRun run = new CommandRun();

        assertThat(run.execute("--bootstrap-servers", kafka.bootstrapServers())).isEqualTo(2);
        assertThat(run.err.text()).contains("--bootstrap-servers needs --schema-registry-url");
    }

    private String[] cluster(String... more) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                "--schema-registry-url", registry.ccompatUrl().toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static void assertAlignment(JsonNode line, Alignment alignment) {
        assertThat(line.path("id").asText()).isEqualTo(alignment.getId());
        assertThat(line.path("model_id").asText()).isEqualTo(alignment.getModelId());
        assertThat(line.path("source_subwords").toString()).isEqualTo("[\"▁The\",\"▁cat\",\"▁sleeps.\"]");
        assertThat(line.path("target_words").toString()).isEqualTo("[\"Le\",\"chat\",\"dort.\"]");
        assertThat(line.path("target_word_of_subword").toString()).isEqualTo("[0,1,2]");
        assertThat(line.path("hard_alignment").asText()).isEqualTo(alignment.getHardAlignment());
        assertThat(line.path("links").toString()).isEqualTo("[[0,0],[1,1],[2,2]]");
        assertAttention(line.path("attention"), AttentionDecoder.decode(alignment.getAttention().array()));
    }

    private static Alignment alignment(String id, String pharaoh) {
        float[][] attention = {{0.7f, 0.2f, 0.1f}, {0.15f, 0.8f, 0.05f}, {0.1f, 0.1f, 0.8f}};
        Alignment alignment = SampleRecords.alignment();
        alignment.setId(id);
        alignment.setHardAlignment(pharaoh);
        alignment.setAttention(ByteBuffer.wrap(new AttentionEncoder(KeepPolicy.DEFAULT).encode(attention)));
        return alignment;
    }

    private static Alignment withCutAttention(Alignment alignment) {
        byte[] payload = alignment.getAttention().array();
        alignment.setAttention(ByteBuffer.wrap(Arrays.copyOf(payload, payload.length / 2)));
        return alignment;
    }

    private void produceAlignments(Alignment... alignments) throws Exception {
        try (SpecificAvroSerde<Alignment> serde = new SpecificAvroSerde<>(Alignment.class)) {
            serde.configure(LocalPeers.serdeProperties(registry, Map.of()), false);
            for (Alignment alignment : alignments) {
                produce(alignmentsTopic, serde.serializer().serialize(alignmentsTopic, alignment));
            }
        }
    }

    private void produceTranslation(Translation translation) throws Exception {
        try (SpecificAvroSerde<Translation> serde = new SpecificAvroSerde<>(Translation.class)) {
            serde.configure(LocalPeers.serdeProperties(registry, Map.of()), false);
            produce(translationsTopic, serde.serializer().serialize(translationsTopic, translation));
        }
    }

    private void produce(String topic, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<JsonNode> json(List<String> lines) {
        return lines.stream().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }).toList();
    }
}
