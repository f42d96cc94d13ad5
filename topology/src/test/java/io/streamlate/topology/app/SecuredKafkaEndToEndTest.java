package io.streamlate.topology.app;

import io.streamlate.local.ScramUser;
import io.streamlate.local.TlsMaterial;
import io.streamlate.topology.TinyModel;
import io.streamlate.topology.Topics;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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

    private static SecuredPeers peers;

    @BeforeAll
    static void startPeers() {
        peers = SecuredPeers.start(List.of(SERVICE, CHECKER), CHECKER);
    }

    @AfterAll
    static void stopPeers() {
        if (peers != null) {
            peers.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void translatesThroughSaslSslConfiguredByAPropertiesFile(@TempDir Path directory) throws Exception {
        String prefix = prefix();
        Properties settings = baseSettings(prefix, directory);
        settings.putAll(SERVICE.clientConfig(peers.tls()));
        Path file = write(directory.resolve("streamlate.properties"), settings);

        translatesAFewSentences(prefix, ServiceConfig.build(ServiceConfig.layered(ServiceConfig.load(file),
                Map.of(), Map.of())));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void translatesThroughSaslSslConfiguredByEnvironmentVariables(@TempDir Path directory) throws Exception {
        String prefix = prefix();
        Map<String, String> environment = environment(SERVICE.clientConfig(peers.tls()));
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
        settings.putAll(SERVICE.clientConfig(peers.tls()));
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
        settings.putAll(new ScramUser("nobody", "serviceSecret1").clientConfig(peers.tls()));

        assertThatThrownBy(() -> startAndAwaitRunning(ServiceConfig.build(settings)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Kafka refused the login of user nobody with SCRAM-SHA-512")
                .hasMessageNotContaining("serviceSecret1");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aMissingTrustStoreStopsTheAppBeforeAnythingStartsNamingTheKeyAndThePath(@TempDir Path directory) {
        Map<String, String> environment = environment(SERVICE.clientConfig(peers.tls()));
        Path missing = directory.resolve("no-such-truststore.p12");
        environment.put("STREAMLATE_KAFKA_SSL_TRUSTSTORE_LOCATION", missing.toString());
        environment.put("STREAMLATE_KAFKA_BOOTSTRAP_SERVERS", peers.kafka().bootstrapServers());
        environment.put("STREAMLATE_KAFKA_SCHEMA_REGISTRY_URL", peers.registry().ccompatUrl().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = StreamlateApp.execute(new String[] {"--model", TinyModel.DIRECTORY.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                environment);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad configuration: Invalid value " + missing
                        + " for configuration ssl.truststore.location: is not a readable file")
                .doesNotContain(peers.tls().password(), SERVICE.password());
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
        Topics topics = peers.createTopics(config);

        try (StreamlateService service = StreamlateService.start(config)) {
            assertThat(service.awaitRunning(WAIT)).as("RUNNING within %s (state %s)", WAIT, service.state())
                    .isTrue();
            Set<String> sent = peers.sendSentences(topics, prefix, SENTENCES);
            Map<String, String> translated = peers.awaitTranslations(topics, prefix + "checker", sent, WAIT);
            assertThat(translated.values()).allSatisfy(text -> assertThat(text).isNotBlank());
        }
    }

    /** Everything but the security settings: the SASL_SSL broker's address, the registry, per-test topics. */
    private static Properties baseSettings(String prefix, Path directory) {
        return peers.baseSettings(prefix, directory.resolve("state"));
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
