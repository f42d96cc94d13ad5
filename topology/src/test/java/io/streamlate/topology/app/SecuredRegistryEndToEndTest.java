package io.streamlate.topology.app;

import io.streamlate.local.NginxTlsProxy;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.schemas.registry.TlsSettings;
import io.streamlate.topology.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.streamlate.topology.app.EndToEndFixture.TEXTS;
import static io.streamlate.topology.app.EndToEndFixture.awaitRegistryUp;
import static io.streamlate.topology.app.EndToEndFixture.event;
import static io.streamlate.topology.app.EndToEndFixture.get;
import static io.streamlate.topology.app.EndToEndFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service with its registry behind nginx, which terminates TLS with a self-signed certificate and demands basic
 * auth: the service's serializers and deserializers, and the test's, authenticate over HTTPS and the sentences are
 * translated; wrong credentials stop the start at once with a message naming the setting, and so does a missing
 * trust store. Neither password shows in
 * the logs, /metrics, the health output, the described configuration or the exception.
 */
class SecuredRegistryEndToEndTest {

    private static final String USER = "streamlate";
    private static final String PASSWORD = "Svc-Reg1stry-pa55";
    private static final String WRONG_PASSWORD = "not-" + PASSWORD;
    private static final String TRUSTSTORE_PASSWORD = "trust-pa55";
    private static final int SENTENCES = 4;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path directory;
    private static EndToEndFixture fixture;
    private static NginxTlsProxy proxy;
    private static String securedUrl;
    private static Path truststore;

    @BeforeAll
    static void startPeers() {
        fixture = EndToEndFixture.start();
        proxy = NginxTlsProxy.start(fixture.registryServer(), USER, PASSWORD);
        securedUrl = proxy.proxied(URI.create(fixture.registryUrl())).toString();
        truststore = proxy.writeTruststore(directory.resolve("registry-trust.p12"), TRUSTSTORE_PASSWORD);
    }

    @AfterAll
    static void stopPeers() {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void translatesWithEverySerdeAuthenticatingOverHttps(@TempDir Path state) throws Exception {
        String prefix = "secured-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ServiceConfig config = fixture.config(secured(EndToEndFixture.file(prefix, state), PASSWORD),
                prefix + "app", StreamsConfig.EXACTLY_ONCE_V2, securedUrl);
        Topics topics = fixture.createTopics(config, 1);
        Set<String> ids = IntStream.range(0, SENTENCES).mapToObj(i -> "s" + i).collect(Collectors.toSet());
        try (CapturedLogs logs = CapturedLogs.start();
             StreamlateService service = StreamlateService.start(config);
             EndToEndFixture.Outputs outputs = fixture.outputs(topics, prefix + "checker");
             KafkaProducer<byte[], byte[]> producer = fixture.producer()) {
            assertThat(service.awaitRunning(WAIT)).as("RUNNING within %s (state %s)", WAIT, service.state())
                    .isTrue();
            for (int i = 0; i < SENTENCES; i++) {
                send(producer, topics, "doc", event("s" + i, TEXTS[i], "fr")); // registers over HTTPS
            }
            producer.flush();
            outputs.awaitAll(ids, WAIT, Duration.ofSeconds(1));
            int port = service.httpPort().orElseThrow();

            assertThat(outputs.translationIds()).isEqualTo(ids.stream().collect(Collectors.toMap(id -> id,
                    id -> 1L, (a, b) -> a, TreeMap::new)));
            assertThat(outputs.translations).allSatisfy(translation ->
                    assertThat(translation.value().getTranslatedText().toString()).isNotBlank());
            assertThat(outputs.deadLetters).isEmpty();
            assertThat(config.describe()).contains(RegistryConfig.BASIC_AUTH_USER_INFO + "=[hidden]",
                    TlsSettings.TRUSTSTORE_PASSWORD + "=[hidden]", RegistryConfig.URL + "=" + securedUrl);
            awaitRegistryUp(port, WAIT);
            assertThat(logs.events()).as("log events captured").isPositive();
            assertNoSecret(logs.text() + get(port, "/metrics").body() + get(port, "/health/ready").body()
                    + get(port, "/health/live").body() + config.describe(), PASSWORD);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void wrongCredentialsStopTheStartNamingTheSetting(@TempDir Path state) {
        String prefix = "refused-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ServiceConfig config = fixture.config(secured(EndToEndFixture.file(prefix, state), WRONG_PASSWORD),
                prefix + "app", StreamsConfig.EXACTLY_ONCE_V2, securedUrl);
        try (CapturedLogs logs = CapturedLogs.start()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> StreamlateService.start(config).close())
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("the schema registry at " + securedUrl + " refused the credentials (401): "
                            + "check " + RegistryConfig.BASIC_AUTH_USER_INFO)
                    .satisfies(e -> assertNoSecret(e.toString(), WRONG_PASSWORD));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            System.out.printf("wrong registry credentials: the start failed after %d ms%n", took.toMillis());
            assertThat(took).as("a 401 is not retried").isLessThan(Duration.ofSeconds(30));
            assertNoSecret(logs.text() + config.describe(), WRONG_PASSWORD);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void withoutTheTruststoreTheStartFailsNamingItsSetting(@TempDir Path state) {
        String prefix = "untrusted-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Properties file = secured(EndToEndFixture.file(prefix, state), PASSWORD);
        file.remove(TlsSettings.TRUSTSTORE_LOCATION);
        file.remove(TlsSettings.TRUSTSTORE_PASSWORD);
        file.remove(TlsSettings.TRUSTSTORE_TYPE);
        ServiceConfig config = fixture.config(file, prefix + "app", StreamsConfig.EXACTLY_ONCE_V2, securedUrl);

        assertThatThrownBy(() -> StreamlateService.start(config).close())
                .isInstanceOf(SchemaRegistryException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("set " + TlsSettings.TRUSTSTORE_LOCATION + " (unset: the JDK's default trust)")
                .satisfies(e -> assertNoSecret(e.toString(), PASSWORD));
    }

    /** {@code file} plus the registry's TLS and basic-auth settings, as an operator's properties file has them. */
    private static Properties secured(Properties file, String password) {
        file.setProperty(RegistryConfig.BASIC_AUTH_SOURCE, "USER_INFO");
        file.setProperty(RegistryConfig.BASIC_AUTH_USER_INFO, USER + ":" + password);
        file.setProperty(TlsSettings.TRUSTSTORE_LOCATION, truststore.toString());
        file.setProperty(TlsSettings.TRUSTSTORE_PASSWORD, TRUSTSTORE_PASSWORD);
        file.setProperty(TlsSettings.TRUSTSTORE_TYPE, "PKCS12");
        return file;
    }

    /** Neither the password, the truststore's, nor the Authorization header that carries the password. */
    private static void assertNoSecret(String text, String password) {
        String header = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        assertThat(text).doesNotContain(password).doesNotContain(header).doesNotContain(TRUSTSTORE_PASSWORD);
    }

}
