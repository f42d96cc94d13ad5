package io.streamlate.topology.app;

import io.streamlate.local.ScramUser;
import io.streamlate.local.TlsMaterial;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.schemas.registry.TlsSettings;
import io.streamlate.topology.TinyModel;
import io.streamlate.topology.Topics;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamlate.topology.app.EndToEndFixture.awaitRegistryUp;
import static io.streamlate.topology.app.EndToEndFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service on a SASL_SSL broker and behind an HTTPS + basic-auth registry, every secret read from files through
 * Kafka's config providers, as a Kubernetes Secret mounted as files gives them: the SCRAM password from a properties
 * file ({@code ${file:...}}), the trust store password and the registry's user info from files of a directory
 * ({@code ${directory:...}}). It translates; no secret shows in the logs, /metrics, the health output, the described
 * configuration, or the messages of the failures that a wrong password in a file causes.
 */
class SecretsFromFilesEndToEndTest {

    private static final ScramUser SERVICE = new ScramUser("streamlate", "fileSecret7");
    private static final ScramUser CHECKER = new ScramUser("checker", "checkerSecret7");
    private static final String REGISTRY_USER = "streamlate";
    private static final String REGISTRY_PASSWORD = "Reg-From-F1le";
    private static final String REGISTRY_TRUSTSTORE_PASSWORD = "reg-trust-F1le";
    private static final String WRONG_PASSWORD = "wrongFile9";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int SENTENCES = 3;

    @TempDir
    static Path peerFiles;
    private static SecuredPeers peers;
    private static Path registryTruststore;

    @BeforeAll
    static void startPeers() {
        peers = SecuredPeers.start(List.of(SERVICE, CHECKER), CHECKER).withRegistryProxy(REGISTRY_USER,
                REGISTRY_PASSWORD);
        registryTruststore = peers.proxy().writeTruststore(peerFiles.resolve("registry-trust.p12"),
                REGISTRY_TRUSTSTORE_PASSWORD);
    }

    @AfterAll
    static void stopPeers() {
        if (peers != null) {
            peers.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void translatesWithEverySecretFromFilesAndShowsNoneOfThem(@TempDir Path directory) throws Exception {
        String prefix = prefix();
        ServiceConfig config = ServiceConfig.build(settings(prefix, directory,
                secrets(directory, SERVICE.password(), REGISTRY_PASSWORD)));
        assertThat(config.streams().getProperty(SaslConfigs.SASL_JAAS_CONFIG)).contains(SERVICE.password());
        assertThat(config.serdes()).containsEntry(RegistryConfig.BASIC_AUTH_USER_INFO,
                REGISTRY_USER + ":" + REGISTRY_PASSWORD);
        Topics topics = peers.createTopics(config);

        try (CapturedLogs logs = CapturedLogs.start();
             StreamlateService service = StreamlateService.start(config)) {
            assertThat(service.awaitRunning(WAIT)).as("RUNNING within %s (state %s)", WAIT, service.state())
                    .isTrue();
            Set<String> sent = peers.sendSentences(topics, prefix, SENTENCES); // registers through the proxy
            Map<String, String> translated = peers.awaitTranslations(topics, prefix + "checker", sent, WAIT);
            int port = service.httpPort().orElseThrow();

            assertThat(translated.values()).allSatisfy(text -> assertThat(text).isNotBlank());
            awaitRegistryUp(port, WAIT);
            assertThat(config.describe()).contains(SaslConfigs.SASL_JAAS_CONFIG + "=[hidden]",
                    SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG + "=[hidden]",
                    RegistryConfig.BASIC_AUTH_USER_INFO + "=[hidden]",
                    TlsSettings.TRUSTSTORE_PASSWORD + "=[hidden]");
            assertThat(logs.events()).as("log events captured").isPositive();
            assertNoSecret(logs.text() + get(port, "/metrics").body() + get(port, "/health/live").body()
                    + get(port, "/health/ready").body() + config.describe(), SERVICE.password(), REGISTRY_PASSWORD);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aWrongScramPasswordInTheFileStopsTheStartShowingNoSecret(@TempDir Path directory) {
        ServiceConfig config = ServiceConfig.build(settings(prefix(), directory,
                secrets(directory, WRONG_PASSWORD, REGISTRY_PASSWORD)));

        try (CapturedLogs logs = CapturedLogs.start()) {
            assertThatThrownBy(() -> {
                try (StreamlateService service = StreamlateService.start(config)) {
                    throw new AssertionError("the start did not fail: RUNNING=" + service.awaitRunning(WAIT));
                }
            }).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Kafka refused the login of user streamlate with SCRAM-SHA-512")
                    .satisfies(e -> assertNoSecret(e.toString(), WRONG_PASSWORD, REGISTRY_PASSWORD));
            assertNoSecret(logs.text() + config.describe(), WRONG_PASSWORD, REGISTRY_PASSWORD);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aWrongRegistryPasswordInTheFileStopsTheStartShowingNoSecret(@TempDir Path directory) {
        ServiceConfig config = ServiceConfig.build(settings(prefix(), directory,
                secrets(directory, SERVICE.password(), WRONG_PASSWORD)));

        try (CapturedLogs logs = CapturedLogs.start()) {
            assertThatThrownBy(() -> StreamlateService.start(config).close())
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("refused the credentials (401): check " + RegistryConfig.BASIC_AUTH_USER_INFO)
                    .satisfies(e -> assertNoSecret(e.toString(), SERVICE.password(), WRONG_PASSWORD));
            assertNoSecret(logs.text() + config.describe(), SERVICE.password(), WRONG_PASSWORD);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSecretFileThatIsNotThereStopsTheAppNamingTheKeyAndTheReference(@TempDir Path directory) throws IOException {
        Path secrets = secrets(directory, SERVICE.password(), REGISTRY_PASSWORD);
        Files.delete(secrets.resolve("registry-user-info"));
        Path file = directory.resolve("streamlate.properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            settings(prefix(), directory, secrets).store(writer, "secrets from files");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = StreamlateApp.execute(new String[] {"--config", file.toString(), "--model",
                TinyModel.DIRECTORY.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad configuration: cannot resolve "
                + RegistryConfig.BASIC_AUTH_USER_INFO + ": ${directory:" + secrets + ":registry-user-info} has no "
                + "such file or key");
        assertNoSecret(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8),
                SERVICE.password(), REGISTRY_PASSWORD);
    }

    /**
     * A directory of one file per secret, as Kubernetes mounts a Secret, plus a properties file for the SCRAM
     * password (the {@code file} provider's format); returns the directory.
     */
    private static Path secrets(Path directory, String scramPassword, String registryPassword) {
        try {
            Path secrets = Files.createDirectories(directory.resolve("secrets"));
            Files.writeString(secrets.resolve("truststore.password"), peers.tls().password());
            Files.writeString(secrets.resolve("registry-user-info"), REGISTRY_USER + ":" + registryPassword);
            Files.writeString(secrets.resolve("registry-truststore.password"), REGISTRY_TRUSTSTORE_PASSWORD);
            Files.writeString(directory.resolve("kafka-login.properties"), "password=" + scramPassword + "\n");
            return secrets;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An operator's settings: no secret in them, only references to the files that hold them. */
    private static Properties settings(String prefix, Path directory, Path secrets) {
        Properties settings = peers.baseSettings(prefix, directory.resolve("state"));
        settings.setProperty("config.providers", "file,directory");
        settings.setProperty("config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider");
        settings.setProperty("config.providers.directory.class",
                "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
        settings.setProperty("security.protocol", "SASL_SSL");
        settings.setProperty(SaslConfigs.SASL_MECHANISM, ScramUser.MECHANISM);
        settings.setProperty(SaslConfigs.SASL_JAAS_CONFIG, ScramUser.jaasConfig(SERVICE.name(),
                "${file:" + directory.resolve("kafka-login.properties") + ":password}"));
        settings.setProperty(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, peers.tls().trustStore().toString());
        settings.setProperty(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, reference(secrets, "truststore.password"));
        settings.setProperty(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, TlsMaterial.STORE_TYPE);
        settings.setProperty(RegistryConfig.URL, peers.proxy().proxied(peers.registry().ccompatUrl()).toString());
        settings.setProperty(RegistryConfig.BASIC_AUTH_SOURCE, "USER_INFO");
        settings.setProperty(RegistryConfig.BASIC_AUTH_USER_INFO, reference(secrets, "registry-user-info"));
        settings.setProperty(TlsSettings.TRUSTSTORE_LOCATION, registryTruststore.toString());
        settings.setProperty(TlsSettings.TRUSTSTORE_PASSWORD, reference(secrets, "registry-truststore.password"));
        settings.setProperty(TlsSettings.TRUSTSTORE_TYPE, "PKCS12");
        return settings;
    }

    private static String reference(Path secrets, String file) {
        return "${directory:" + secrets + ":" + file + "}";
    }

    /**
     * None of the secrets: the SCRAM and registry passwords given, both trust stores' passwords, and the
     * Authorization header that carries the registry password.
     */
    private static void assertNoSecret(String text, String scramPassword, String registryPassword) {
        String header = Base64.getEncoder().encodeToString((REGISTRY_USER + ":" + registryPassword)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(text).doesNotContain(scramPassword).doesNotContain(registryPassword).doesNotContain(header)
                .doesNotContain(peers.tls().password()).doesNotContain(REGISTRY_TRUSTSTORE_PASSWORD);
    }


    private static String prefix() {
        return "files-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }
}
