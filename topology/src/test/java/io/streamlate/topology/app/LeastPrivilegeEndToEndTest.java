package io.streamlate.topology.app;

import io.streamlate.local.ScramUser;
import io.streamlate.model.Await;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.streamlate.topology.app.EndToEndFixture.TEXTS;
import static io.streamlate.topology.app.EndToEndFixture.event;
import static io.streamlate.topology.app.EndToEndFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service against a broker with an authorizer that denies what no ACL allows, logged in as a user that holds
 * exactly {@link ServiceAcls}, the list of deploy/README.md: enough for exactly_once_v2 and for restarts that
 * restore the state from the changelog; and without any one of them, the service stops within a bound, saying
 * which resource it was denied. The test's own clients log in as a super user.
 */
class LeastPrivilegeEndToEndTest {

    private static final ScramUser SERVICE = new ScramUser(ServiceAcls.DEFAULTS.user(), "serviceSecret1");
    private static final ScramUser CHECKER = new ScramUser("checker", "checkerSecret1");
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** How long a denial may take to stop the service: authorization failures are fatal, nothing retries them. */
    private static final Duration DENIAL_BOUND = Duration.ofSeconds(60);
    /** After the last expected output: a duplicate would show up within this. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final int SENTENCES = 3;

    private static SecuredPeers peers;

    @BeforeAll
    static void startPeers() {
        peers = SecuredPeers.startAuthorized(List.of(SERVICE, CHECKER), CHECKER);
    }

    @AfterAll
    static void stopPeers() {
        if (peers != null) {
            peers.close();
        }
    }

    @Test
    void theDeployReadmeListsExactlyTheseAcls() throws IOException {
        List<String> listed = Files.readAllLines(Path.of("..", "deploy", "README.md"), StandardCharsets.UTF_8)
                .stream().filter(line -> line.startsWith("kafka-acls.sh ")).toList();

        assertThat(listed).as("the kafka-acls.sh commands of deploy/README.md").isEqualTo(
                ServiceAcls.DEFAULTS.commands());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theListedAclsAreEnoughForExactlyOnceAndRestartsFromTheChangelog(@TempDir Path directory)
            throws Exception {
        String prefix = prefix();
        ServiceConfig first = config(prefix, directory.resolve("state-1"));
        assertThat(first.streams().getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        Topics topics = peers.createTopics(first);
        peers.kafka().createAcls(acls(prefix).bindings());
        Set<String> sent = new TreeSet<>();

        try (KafkaConsumer<byte[], byte[]> outputs = peers.translationsReader(first.topology().translationsTopic(),
                prefix + "checker")) {
            Map<String, Integer> translated = new TreeMap<>();
            try (StreamlateService service = StreamlateService.start(first)) {
                awaitRunning(service);
                sent.addAll(translate(topics, prefix + "a", outputs, translated));
            }
            // a new instance with an empty state directory, as a pod without its volume: it restores the changelog
            try (StreamlateService service = StreamlateService.start(config(prefix, directory.resolve("state-2")))) {
                awaitRunning(service);
                sent.addAll(translate(topics, prefix + "b", outputs, translated));
            }
            // the first state directory again, as a restarted pod: it catches up on what the second one wrote
            try (StreamlateService service = StreamlateService.start(first)) {
                awaitRunning(service);
                sent.addAll(translate(topics, prefix + "c", outputs, translated));
            }
            long quietUntil = System.nanoTime() + QUIET.toNanos();
            while (System.nanoTime() < quietUntil) {
                poll(outputs, topics, translated);
            }
            assertThat(translated.keySet()).isEqualTo(sent);
            assertThat(translated).as("translations per input").allSatisfy((id, count) -> assertThat(count)
                    .as(id).isEqualTo(1));
        }
    }

    static Stream<Arguments> eachListedAcl() {
        List<AclBinding> defaults = ServiceAcls.DEFAULTS.bindings();
        return IntStream.range(0, defaults.size()).mapToObj(index -> Arguments.of(index, defaults.get(index)
                .entry().operation() + " on " + describe(defaults.get(index).pattern())));
    }

    @ParameterizedTest(name = "without {1}")
    @MethodSource("eachListedAcl")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void withoutAnyOneListedAclTheServiceStopsNamingTheResource(int index, String withoutAcl, @TempDir Path directory)
            throws Exception {
        String prefix = prefix();
        ServiceConfig config = config(prefix, directory.resolve("state"));
        Topics topics = peers.createTopics(config);
        List<AclBinding> granted = new ArrayList<>(acls(prefix).bindings());
        AclBinding missing = granted.remove(index);
        peers.kafka().createAcls(granted);

        long started = System.nanoTime();
        try (StreamlateService service = StreamlateService.start(config);
             KafkaProducer<byte[], byte[]> producer = checkerProducer()) {
            // the outputs are only written to once there are inputs: one to translate, one for the dead letters
            send(producer, topics, "doc", event(prefix + "denied", TEXTS[0], "fr"));
            send(producer, topics, "doc", event(prefix + "unsupported", TEXTS[1], "xx"));
            producer.flush();
            Await.until(() -> "the service to stop without " + withoutAcl + " (state " + service.state() + ")",
                    DENIAL_BOUND, () -> service.failure().isPresent());
            assertThat(service.failure()).hasValueSatisfying(why -> assertThat(why)
                    .startsWith("Kafka denied user " + SERVICE.name() + " access to " + resource(missing, config))
                    .contains("add the ACL for it that deploy/README.md (\"Kafka ACLs\") lists"));
            Await.until("the ERROR state", DENIAL_BOUND, () -> service.state() == KafkaStreams.State.ERROR);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time until the service stopped")
                .isLessThan(DENIAL_BOUND);
    }

    /** What the failure names for a missing ACL: the topic, the group, or the transactional id prefix. */
    private static String resource(AclBinding missing, ServiceConfig config) {
        ResourcePattern pattern = missing.pattern();
        return switch (pattern.resourceType()) {
            case TOPIC -> "topic(s) " + (pattern.patternType() == PatternType.PREFIXED
                    ? pattern.name() + config.topology().pendingStoreName() + "-changelog" : pattern.name());
            case GROUP -> "consumer group " + pattern.name();
            case TRANSACTIONAL_ID -> "the transactional ids prefixed " + pattern.name();
            default -> throw new IllegalArgumentException("not in the list: " + pattern);
        };
    }

    private static String describe(ResourcePattern pattern) {
        return pattern.resourceType() + " " + pattern.name()
                + (pattern.patternType() == PatternType.PREFIXED ? "*" : "");
    }

    private static void awaitRunning(StreamlateService service) throws InterruptedException {
        assertThat(service.awaitRunning(WAIT)).as("RUNNING within %s (state %s)", WAIT, service.state()).isTrue();
    }

    /** Sends {@link #SENTENCES} inputs and waits for their translations; returns their ids. */
    private static Set<String> translate(Topics topics, String idPrefix, KafkaConsumer<byte[], byte[]> outputs,
                                         Map<String, Integer> translated) {
        Set<String> ids = peers.sendSentences(topics, idPrefix, SENTENCES);
        Await.until(() -> "translations of " + ids + ", have " + translated.keySet(), WAIT, () -> {
            poll(outputs, topics, translated);
            return translated.keySet().containsAll(ids);
        });
        return ids;
    }

    private static void poll(KafkaConsumer<byte[], byte[]> outputs, Topics topics, Map<String, Integer> translated) {
        for (ConsumerRecord<byte[], byte[]> record : outputs.poll(Duration.ofMillis(200))) {
            Translation translation = topics.translations().valueSerde().deserializer()
                    .deserialize(record.topic(), record.value());
            translated.merge(translation.getId().toString(), 1, Integer::sum);
        }
    }

    private static KafkaProducer<byte[], byte[]> checkerProducer() {
        Map<String, Object> config = peers.checkerClient();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The README's list for this test's names: the application id and the topics carry a per-test prefix. */
    private static ServiceAcls acls(String prefix) {
        return new ServiceAcls(SERVICE.name(), prefix + "app", prefix + "sentences", prefix + "translations",
                prefix + "alignments", prefix + "dlq");
    }

    private static ServiceConfig config(String prefix, Path stateDirectory) {
        Properties settings = peers.baseSettings(prefix, stateDirectory);
        SERVICE.clientConfig(peers.tls()).forEach(settings::setProperty);
        return ServiceConfig.build(settings);
    }

    private static String prefix() {
        return "acl-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }
}
