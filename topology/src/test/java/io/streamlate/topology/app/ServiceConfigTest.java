package io.streamlate.topology.app;

import io.streamlate.model.manifest.Precision;
import io.streamlate.model.onnx.Device;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.topology.config.StreamlateConfig;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceConfigTest {

    private static final ServiceConfig.Overrides CLUSTER =
            new ServiceConfig.Overrides("broker:9092", "http://registry:8080/apis/ccompat/v7", null, null);
    private static final String NOT_FOUND = " has no such file or key (or lies outside the provider's allowed.paths)";

    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void defaults() {
        ServiceConfig config = ServiceConfig.build(new Properties(), CLUSTER);

        Properties streams = config.streams();
        assertThat(streams.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("broker:9092");
        assertThat(streams.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("streamlate");
        assertThat(streams.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(streams.getProperty(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("10");
        assertThat(streams.getProperty(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG))
                .isEqualTo(Long.toString(Long.MAX_VALUE));
        assertThat(streams).doesNotContainKey("schema.registry.url");
        assertThat(config.serdes()).containsEntry("schema.registry.url", "http://registry:8080/apis/ccompat/v7");
        assertThat(config.topology()).isEqualTo(StreamlateConfig.of(new Properties()).topology());
    }

    @Test
    void kafkaSettingsIncludingSecurityPassThroughAndStreamlateKeysGoToTheTopology(@TempDir Path directory)
            throws IOException {
        Path file = directory.resolve("streamlate.properties");
        Path truststore = Files.createFile(directory.resolve("truststore.jks")); // a missing store is refused
        Files.writeString(file, String.join("\n",
                "bootstrap.servers=ignored:1",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"u\" password=\"p\";",
                "ssl.truststore.location=" + truststore,
                "ssl.truststore.password=secret",
                "num.stream.threads=4",
                "producer.linger.ms=5",
                "poll.ms=50",
                "basic.auth.credentials.source=USER_INFO",
                "basic.auth.user.info=user:pass",
                "streamlate.topic.input=events",
                "streamlate.default.target.language=fr",
                "streamlate.batch.workers=2"));

        ServiceConfig config = ServiceConfig.build(ServiceConfig.load(file),
                new ServiceConfig.Overrides("broker:9092", "https://registry", "my-app", "at_least_once"));

        Properties streams = config.streams();
        assertThat(streams.getProperty("bootstrap.servers")).isEqualTo("broker:9092"); // the command line wins
        assertThat(streams.getProperty("application.id")).isEqualTo("my-app");
        assertThat(streams.getProperty("processing.guarantee")).isEqualTo("at_least_once");
        assertThat(streams.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(streams.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(streams.getProperty("sasl.jaas.config")).contains("ScramLoginModule");
        assertThat(streams.getProperty("ssl.truststore.location")).isEqualTo(truststore.toString());
        assertThat(streams.getProperty("ssl.truststore.password")).isEqualTo("secret");
        assertThat(streams.getProperty("num.stream.threads")).isEqualTo("4");
        assertThat(streams.getProperty("producer.linger.ms")).isEqualTo("5");
        assertThat(streams.getProperty("poll.ms")).isEqualTo("50"); // the file's value beats the default
        assertThat(streams.stringPropertyNames()).noneMatch(key -> key.startsWith("streamlate."));
        StreamsConfig parsed = new StreamsConfig(streams);
        assertThat(parsed.getMainConsumerConfigs("g", "c", 0)).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(parsed.getProducerConfigs("c")).containsEntry("linger.ms", "5");

        assertThat(config.topology().inputTopic()).isEqualTo("events");
        assertThat(config.topology().defaultTargetLanguage()).contains("fr");
        assertThat(config.topology().batchPolicy().workers()).isEqualTo(2);
        assertThat(config.serdes()).containsEntry("schema.registry.url", "https://registry")
                .containsEntry("basic.auth.user.info", "user:pass");
    }

    @Test
    void fileAloneIsEnoughWithoutCommandLineSettings() {
        ServiceConfig config = ServiceConfig.build(properties("bootstrap.servers", "b:1",
                "schema.registry.url", "http://r", "application.id", "from-file"), ServiceConfig.Overrides.NONE);

        assertThat(config.streams().getProperty("application.id")).isEqualTo("from-file");
        assertThat(config.streams().getProperty("bootstrap.servers")).isEqualTo("b:1");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> ServiceConfig.build(new Properties(), ServiceConfig.Overrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> ServiceConfig.build(new Properties(),
                new ServiceConfig.Overrides("b:1", null, null, null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> ServiceConfig.build(new Properties(),
                new ServiceConfig.Overrides("b:1", "http://r", null, "exactly_once")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processing.guarantee")
                .hasMessageContaining("exactly_once");
        assertThatThrownBy(() -> ServiceConfig.build(properties("num.stream.threads", "many"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num.stream.threads");
        assertThatThrownBy(() -> ServiceConfig.build(properties("security.protocol", "PLAINTEXTISH"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining("security.protocol");
        assertThatThrownBy(() -> ServiceConfig.build(properties("streamlate.batch.workers", "0"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining("streamlate.batch.workers");
        assertThatThrownBy(() -> ServiceConfig.build(properties("streamlate.no.such.key", "1"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining("streamlate.no.such.key");
        assertThatThrownBy(() -> ServiceConfig.build(properties("max.retries", "-1"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max.retries");
        assertThatThrownBy(() -> ServiceConfig.build(properties(StreamlateConfig.DEVICE, "tpu"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining(StreamlateConfig.DEVICE)
                .hasMessageContaining("cuda:N");
        assertThatThrownBy(() -> ServiceConfig.build(properties(StreamlateConfig.HTTP_PORT, "70000"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining(StreamlateConfig.HTTP_PORT);
        assertThatThrownBy(() -> ServiceConfig.build(properties(StreamlateConfig.MODELS, " , "), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining(StreamlateConfig.MODELS);
        assertThatThrownBy(() -> ServiceConfig.build(properties(StreamlateConfig.CPU_FALLBACK, "yes"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining(StreamlateConfig.CPU_FALLBACK);
        assertThatThrownBy(() -> ServiceConfig.build(properties(StreamlateConfig.ENGINE_PRECISION, "fp16"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining(StreamlateConfig.ENGINE_PRECISION)
                .hasMessageContaining("float32, int8");
        assertThatThrownBy(() -> ServiceConfig.build(properties(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1"),
                CLUSTER)).isInstanceOf(ConfigException.class).hasMessageContaining("num.standby.replicas")
                .hasMessageContaining("KAFKA-20731");
        assertThat(ServiceConfig.build(properties(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0"), CLUSTER)
                .streams().getProperty(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo("0");
    }

    @Test
    void theEnvironmentOverridesTheFileAndTheCommandLineOverridesBoth() {
        Properties layered = ServiceConfig.layered(
                properties("bootstrap.servers", "file:1", "num.stream.threads", "1",
                        "streamlate.batch.max.sentences", "8", "schema.registry.url", "http://file"),
                Map.of("STREAMLATE_KAFKA_BOOTSTRAP_SERVERS", "env:1", "STREAMLATE_BATCH_MAX_SENTENCES", "16",
                        "STREAMLATE_KAFKA_NUM_STREAM_THREADS", "2"),
                Map.of("bootstrap.servers", "cli:1"));
        ServiceConfig config = ServiceConfig.build(layered);

        assertThat(config.streams().getProperty("bootstrap.servers")).isEqualTo("cli:1");
        assertThat(config.streams().getProperty("num.stream.threads")).isEqualTo("2");
        assertThat(config.topology().batchPolicy().maxSentences()).isEqualTo(16);
        assertThat(config.serdes()).containsEntry("schema.registry.url", "http://file");
    }

    @Test
    void engineAndHttpSettingsHaveDefaultsAndAreRead() {
        ServiceConfig defaults = ServiceConfig.build(new Properties(), CLUSTER);
        assertThat(defaults.engine().models()).containsExactly(Path.of("model/artifacts/en-fr"));
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(defaults.engine().sessions()).as("the cores shared by the default two batch workers")
                .isEqualTo(SessionSettings.DEFAULT.withThreads(Math.max(1, cores / 2), 1));
        assertThat(defaults.httpPort()).isEqualTo(8080);
        assertThat(defaults.httpHost()).as("every interface, as a container needs").isEqualTo("0.0.0.0");
        assertThat(defaults.stallAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(defaults.streams()).doesNotContainKeys(StreamlateConfig.MODELS, StreamlateConfig.HTTP_PORT,
                StreamlateConfig.HTTP_HOST);

        ServiceConfig config = ServiceConfig.build(properties(StreamlateConfig.MODELS, "/m/en-fr, /m/de-en",
                StreamlateConfig.DEVICE, "cuda:1", StreamlateConfig.CPU_FALLBACK, "true",
                StreamlateConfig.ENGINE_THREADS, "4", StreamlateConfig.HTTP_PORT, "-1",
                StreamlateConfig.HTTP_HOST, " 127.0.0.1 ", StreamlateConfig.HEALTH_STALL_MS, "5000",
                StreamlateConfig.ENGINE_PRECISION, "int8", StreamlateConfig.ENGINE_SPIN_WAIT, "true",
                StreamlateConfig.ENGINE_BUFFER_POOL_BYTES, "1048576"), CLUSTER);
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.stallAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.engine().models()).containsExactly(Path.of("/m/en-fr"), Path.of("/m/de-en"));
        assertThat(config.engine().sessions()).isEqualTo(new SessionSettings(new Device(Device.Kind.CUDA, 1), true,
                4, 1, Precision.INT8, true, true, 1048576));
        assertThat(config.httpPort()).isEqualTo(-1);
    }

    @Test
    void describeHidesSecretsAndShowsTheRest(@TempDir Path directory) throws IOException {
        String truststore = Files.createFile(directory.resolve("ts.jks")).toString();
        ServiceConfig config = ServiceConfig.build(properties(
                "sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"hunter2\";",
                "ssl.truststore.password", "trust-secret", "ssl.truststore.location", truststore,
                "basic.auth.user.info", "user:registry-secret", "basic.auth.credentials.source", "USER_INFO",
                "ssl.key.password", "key-secret", "num.stream.threads", "3"), CLUSTER);
        String described = config.describe();

        assertThat(described).doesNotContain("hunter2", "trust-secret", "registry-secret", "key-secret")
                .contains("sasl.jaas.config=[hidden]", "ssl.truststore.password=[hidden]",
                        "basic.auth.user.info=[hidden]", "ssl.key.password=[hidden]",
                        "ssl.truststore.location=" + truststore, "basic.auth.credentials.source=USER_INFO",
                        "num.stream.threads=3", "bootstrap.servers=broker:9092");
    }

    @Test
    void fileAndDirectoryReferencesAreResolvedForKafkaTheRegistryClientAndStreamlateKeys(@TempDir Path directory)
            throws IOException {
        Path login = Files.writeString(directory.resolve("login.properties"), "password=hunter2\n");
        Path secrets = Files.createDirectory(directory.resolve("secrets"));
        Files.writeString(secrets.resolve("user-info"), "user:registry-secret");
        Files.writeString(secrets.resolve("topic"), "events");
        ServiceConfig config = ServiceConfig.build(properties(
                "config.providers", "file,directory",
                "config.providers.file.class", FileConfigProvider.class.getName(),
                "config.providers.directory.class", DirectoryConfigProvider.class.getName(),
                "sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"${file:" + login
                        + ":password}\";",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "${directory:" + secrets + ":user-info}",
                StreamlateConfig.INPUT_TOPIC, "${directory:" + secrets + ":topic}"), CLUSTER);

        assertThat(config.streams().getProperty("sasl.jaas.config"))
                .isEqualTo("ScramLoginModule required username=\"u\" password=\"hunter2\";");
        assertThat(config.serdes()).containsEntry("basic.auth.user.info", "user:registry-secret");
        assertThat(config.topology().inputTopic()).isEqualTo("events");
        assertThat(config.describe()).doesNotContain("hunter2", "registry-secret")
                .contains("sasl.jaas.config=[hidden]", "basic.auth.user.info=[hidden]",
                        "config.providers=file,directory");
    }

    @Test
    void aReferenceToAMissingFileIsNamedByItsKeyAndPath(@TempDir Path directory) {
        Path missing = directory.resolve("absent.properties");
        assertThatThrownBy(() -> ServiceConfig.build(properties("config.providers", "file",
                "config.providers.file.class", FileConfigProvider.class.getName(),
                "ssl.truststore.password", "${file:" + missing + ":password}"), CLUSTER))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cannot resolve ssl.truststore.password (${file:" + missing + ":password}): "
                        + "Could not read properties from file " + missing);
    }

    @Test
    void aReferenceToAMissingOrForbiddenEntryOrAnUndeclaredProviderIsNamedByItsKey(@TempDir Path directory)
            throws IOException {
        String absent = "${directory:" + directory + ":absent}";
        assertThatThrownBy(() -> ServiceConfig.build(properties("config.providers", "directory",
                "config.providers.directory.class", DirectoryConfigProvider.class.getName(),
                "basic.auth.user.info", absent), CLUSTER))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cannot resolve basic.auth.user.info: " + absent + NOT_FOUND);
        Files.writeString(directory.resolve("user-info"), "user:registry-secret");
        String forbidden = "${directory:" + directory + ":user-info}";
        Properties allowingElsewhere = properties("config.providers", "directory",
                "config.providers.directory.class", DirectoryConfigProvider.class.getName(),
                "config.providers.directory.param.allowed.paths", directory.resolve("elsewhere").toString(),
                "basic.auth.user.info", forbidden);
        assertThatThrownBy(() -> ServiceConfig.build(allowingElsewhere, CLUSTER))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot configure the config provider directory ("
                        + DirectoryConfigProvider.class.getName() + ", config.providers.directory.param.*): ");
        Files.createDirectory(directory.resolve("elsewhere"));
        assertThatThrownBy(() -> ServiceConfig.build(allowingElsewhere, CLUSTER))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cannot resolve basic.auth.user.info: " + forbidden + NOT_FOUND);
        assertThatThrownBy(() -> ServiceConfig.build(properties("basic.auth.user.info", absent), CLUSTER))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cannot resolve basic.auth.user.info: " + absent
                        + " names a provider that config.providers does not declare");
    }

    @Test
    void aProviderWithoutItsClassOrOneTheSystemPropertyDoesNotAllowIsRefused() {
        assertThatThrownBy(() -> ServiceConfig.build(properties("config.providers", "file"), CLUSTER))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value null for configuration config.providers.file.class: is required: "
                        + "config.providers declares file");
        String property = AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY;
        System.setProperty(property, DirectoryConfigProvider.class.getName());
        try {
            assertThatThrownBy(() -> ServiceConfig.build(properties("config.providers", "file",
                    "config.providers.file.class", FileConfigProvider.class.getName()), CLUSTER))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("config.providers.file.class: is not allowed by the system property "
                            + property);
        } finally {
            System.clearProperty(property);
        }
    }

    @Test
    void processMayNotBlockLongerThanHalfTheMaxPollInterval() {
        assertThatThrownBy(() -> ServiceConfig.build(properties("max.poll.interval.ms", "8000",
                StreamlateConfig.OFFER_MAX_BLOCK_MS, "5000"), CLUSTER))
                .isInstanceOf(ConfigException.class).hasMessageContaining(StreamlateConfig.OFFER_MAX_BLOCK_MS)
                .hasMessageContaining("8000");
        assertThat(ServiceConfig.build(properties("main.consumer.max.poll.interval.ms", "10000"), CLUSTER)
                .topology().offerMaxBlock()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void missingFileIsNamed(@TempDir Path directory) {
        Path missing = directory.resolve("absent.properties");
        assertThatThrownBy(() -> ServiceConfig.load(missing))
                .isInstanceOf(ConfigException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void aMissingKeyOrTrustStoreOfAnyKafkaClientIsNamedWithItsPath(@TempDir Path directory) {
        String missing = directory.resolve("absent.p12").toString();
        for (String key : List.of("ssl.truststore.location", "ssl.keystore.location",
                "producer.ssl.truststore.location", "admin.ssl.keystore.location")) {
            assertThatThrownBy(() -> ServiceConfig.build(properties(key, missing), CLUSTER))
                    .as(key).isInstanceOf(ConfigException.class)
                    .hasMessage("Invalid value " + missing + " for configuration " + key + ": is not a readable file");
        }
    }

    @Test
    void theResultIsACopy() {
        ServiceConfig config = ServiceConfig.build(new Properties(), CLUSTER);
        config.streams().setProperty("application.id", "changed");
        assertThat(config.streams().getProperty("application.id")).isEqualTo("streamlate");
    }
}
