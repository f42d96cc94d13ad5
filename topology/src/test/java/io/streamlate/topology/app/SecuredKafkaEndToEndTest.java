package io.streamlate.topology.app;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.EmbeddedKafka;
import io.streamlate.local.ScramUser;
import io.streamlate.local.TlsMaterial;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.topology.TinyModel;
import io.streamlate.topology.Topics;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamlate.topology.app.EndToEndFixture.TEXTS;
import static io.streamlate.topology.app.EndToEndFixture.event;
import static io.streamlate.topology.app.EndToEndFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service against a broker that only speaks SASL_SSL (SCRAM-SHA-512 over TLS with a CA made at test time),
 * configured only through documented settings: a properties file, or {@code STREAMLATE_KAFKA_*} variables. A login
 * the broker refuses and a missing trust store stop the start within a bound, with a message that names the cause.
 */
class SecuredKafkaEndToEndTest {

    private static final ScramUser SERVICE = new ScramUser("streamlate", "serviceSecret1");
    private static final ScramUser CHECKER = new ScramUser("checker", "checkerSecret1");
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** How long a refusal may take to stop the start: Kafka clients do not retry authentication failures. */
    private static final Duration REFUSAL_BOUND = Duration.ofSeconds(30);
    private static final int SENTENCES = 5;

    private static TlsMaterial tls;
    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startPeers() {
        tls = TlsMaterial.generate();
        kafka = EmbeddedKafka.startSecured(tls, List.of(SERVICE, CHECKER));
        registry = ApicurioRegistry.start();
    }

    @AfterAll
    static void stopPeers() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            if (tls != null) {
                tls.close();
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void translatesThroughSaslSslConfiguredByAPropertiesFile(@TempDir Path directory) throws Exception {
        String prefix = prefix();
        Properties settings = baseSettings(prefix, directory);
        settings.putAll(SERVICE.clientConfig(tls));
        Path file = write(directory.resolve("streamlate.properties"), settings);

        translatesAFewSentences(prefix, ServiceConfig.build(ServiceConfig.layered(ServiceConfig.load(file),
                Map.of(), Map.of())));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void translatesThroughSaslSslConfiguredByEnvironmentVariables(@TempDir Path directory) throws Exception {
        String prefix = prefix();
        Map<String, String> environment = environment(SERVICE.clientConfig(tls));
        assertThat(environment).containsKeys("STREAMLATE_KAFKA_SECURITY_PROTOCOL", "STREAMLATE_KAFKA_SASL_MECHANISM",
                "STREAMLATE_KAFKA_SASL_JAAS_CONFIG", "STREAMLATE_KAFKA_SSL_TRUSTSTORE_LOCATION",
                "STREAMLATE_KAFKA_SSL_TRUSTSTORE_PASSWORD", "STREAMLATE_KAFKA_SSL_TRUSTSTORE_TYPE");

        translatesAFewSentences(prefix, ServiceConfig.build(ServiceConfig.layered(baseSettings(prefix, directory),
                environment, Map.of())));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aWrongPasswordStopsTheStartNamingTheUser(@TempDir Path directory) {
        Properties settings = baseSettings(prefix(), directory);
        settings.putAll(SERVICE.clientConfig(tls));
        settings.setProperty("sasl.jaas.config", ScramUser.jaasConfig(SERVICE.name(), "wrongSecret9"));

        assertThatThrownBy(() -> startAndAwaitRunning(ServiceConfig.build(settings)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Kafka refused the login of user streamlate with SCRAM-SHA-512")
                .hasMessageContaining("check sasl.jaas.config")
                .hasMessageNotContaining("wrongSecret9");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anUnknownUserStopsTheStartNamingTheUser(@TempDir Path directory) {
        Properties settings = baseSettings(prefix(), directory);
        settings.putAll(new ScramUser("nobody", "serviceSecret1").clientConfig(tls));

        assertThatThrownBy(() -> startAndAwaitRunning(ServiceConfig.build(settings)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Kafka refused the login of user nobody with SCRAM-SHA-512")
                .hasMessageNotContaining("serviceSecret1");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aMissingTrustStoreStopsTheAppBeforeAnythingStartsNamingTheKeyAndThePath(@TempDir Path directory) {
        Map<String, String> environment = environment(SERVICE.clientConfig(tls));
        Path missing = directory.resolve("no-such-truststore.p12");
        environment.put("STREAMLATE_KAFKA_SSL_TRUSTSTORE_LOCATION", missing.toString());
        environment.put("STREAMLATE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        environment.put("STREAMLATE_KAFKA_SCHEMA_REGISTRY_URL", registry.ccompatUrl().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = StreamlateApp.execute(new String[] {"--model", TinyModel.DIRECTORY.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                environment);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad configuration: Invalid value " + missing
                        + " for configuration ssl.truststore.location: is not a readable file")
                .doesNotContain(tls.password(), SERVICE.password());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aTrustStoreWithoutTheBrokersCaStopsTheStartNamingTheTrustStore(@TempDir Path directory) {
        try (TlsMaterial stranger = TlsMaterial.generate()) {
            Properties settings = baseSettings(prefix(), directory);
            settings.putAll(SERVICE.clientConfig(stranger));

            assertThatThrownBy(() -> startAndAwaitRunning(ServiceConfig.build(settings)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the TLS handshake with Kafka failed: check ssl.truststore.location")
                    .hasMessageContaining("unable to find valid certification path to requested target");
        }
    }

    /** Starts the service and waits for RUNNING; the time it took to fail is checked against the bound. */
    private static void startAndAwaitRunning(ServiceConfig config) throws InterruptedException {
        long started = System.nanoTime();
        try (StreamlateService service = StreamlateService.start(config)) {
            try {
                boolean running = service.awaitRunning(WAIT);
                throw new AssertionError("the start did not fail: RUNNING=" + running + ", state " + service.state());
            } finally {
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time until the start failed")
                        .isLessThan(REFUSAL_BOUND);
            }
        }
    }

    private static void translatesAFewSentences(String prefix, ServiceConfig config) throws Exception {
        TopologyConfig topology = config.topology();
        kafka.createTopic(topology.inputTopic(), 1);
        kafka.createTopic(topology.translationsTopic(), 1);
        kafka.createTopic(topology.alignmentsTopic(), 1);
        kafka.createTopic(topology.deadLetterTopic(), 1);
        Topics topics = Topics.of(topology, config.serdes());

        try (StreamlateService service = StreamlateService.start(config)) {
            assertThat(service.awaitRunning(WAIT)).as("RUNNING within %s (state %s)", WAIT, service.state())
                    .isTrue();
            Set<String> sent = new TreeSet<>();
            Map<String, Object> producerConfig = checkerClient();
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig,
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < SENTENCES; i++) {
                    String id = prefix + i;
                    sent.add(id);
                    send(producer, topics, "doc", event(id, TEXTS[i], "fr"));
                }
                producer.flush();
            }

            Map<String, String> translated = new TreeMap<>();
            Map<String, Object> consumerConfig = checkerClient();
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "checker");
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topology.translationsTopic()));
                EndToEndFixture.await(WAIT, () -> "translations of " + sent + ", have " + translated.keySet(),
                        () -> {
                            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                                Translation translation = topics.translations().valueSerde().deserializer()
                                        .deserialize(record.topic(), record.value());
                                translated.put(translation.getId().toString(),
                                        translation.getTranslatedText().toString());
                            }
                            return translated.keySet().equals(sent);
                        });
            }
            assertThat(translated.values()).allSatisfy(text -> assertThat(text).isNotBlank());
        }
    }

    /** The test's own producer and consumer log in as another user, over the same listener. */
    private static Map<String, Object> checkerClient() {
        Map<String, Object> config = new HashMap<>(CHECKER.clientConfig(tls));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return config;
    }

    /** Everything but the security settings: the SASL_SSL broker's address, the registry, per-test topics. */
    private static Properties baseSettings(String prefix, Path directory) {
        Properties settings = EndToEndFixture.file(prefix, directory.resolve("state"));
        settings.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.setProperty("schema.registry.url", registry.ccompatUrl().toString());
        settings.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "app");
        return settings;
    }

    /** Each setting as its {@code STREAMLATE_KAFKA_*} variable (the keys here have no {@code _}). */
    private static Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>();
        settings.forEach((key, value) -> environment.put(EnvironmentSettings.KAFKA_PREFIX
                + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return environment;
    }

    private static Path write(Path file, Properties settings) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            settings.store(writer, "a SASL_SSL test instance");
        }
        return file;
    }

    private static String prefix() {
        return "sasl-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }
}
