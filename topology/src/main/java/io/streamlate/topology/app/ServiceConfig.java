package io.streamlate.topology.app;

import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.topology.config.EngineSettings;
import io.streamlate.topology.config.StreamlateConfig;
import io.streamlate.topology.config.TopologyConfig;
import io.streamlate.topology.view.ViewSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The service's whole configuration, built once at start from three layers, each overriding the one before:
 * a properties file ({@code --config}), environment variables ({@link EnvironmentSettings}: {@code STREAMLATE_*})
 * and the command line (its flags and {@code --set key=value}). Every {@code streamlate.*} key is declared and
 * read by {@link StreamlateConfig}; every other key except the registry's URL passes through to
 * {@link StreamsConfig} untouched (Kafka Streams, producer, consumer and admin settings, {@code security.*},
 * {@code sasl.*}, {@code ssl.*} included), and every key reaches the Avro serdes and their registry client
 * ({@link #serdes()}), which read only theirs. Any value may be a reference to a file, e.g.
 * {@code ${directory:/etc/streamlate/secrets:truststore.password}}, through Kafka's config providers
 * ({@code config.providers}); {@link ConfigProviders} resolves them all before anything reads a value.
 * Defaults: {@code application.id=streamlate}, {@code processing.guarantee=exactly_once_v2}, {@code poll.ms=10}
 * (an idle stream thread would otherwise wait 100 ms in poll before the punctuator forwards a finished result),
 * {@code processing.exception.handler.global.enabled=true}, {@code session.timeout.ms=6000} and
 * {@code heartbeat.interval.ms=1500} (a killed instance's partitions move after 6 s, not 45 s), and the registry
 * client's {@code http.read.timeout.ms=10000}. {@code bootstrap.servers} and
 * {@code schema.registry.url} are required. A bad value fails with a {@link ConfigException} naming its key.
 *
 * @param httpHost        where the health and metrics server binds
 * @param httpPort        its port; -1 = none
 * @param view            the live alignment view's window (served on the HTTP port)
 * @param shutdownTimeout how long closing waits for Kafka Streams, then for the batcher
 * @param stallAfter      how long pending inputs may go without output before readiness says stalled
 */
public record ServiceConfig(Properties streams, TopologyConfig topology, Map<String, Object> serdes,
                            EngineSettings engine, String httpHost, int httpPort, ViewSettings view,
                            Duration shutdownTimeout, Duration stallAfter) {

    public static final String DEFAULT_APPLICATION_ID = "streamlate";
    public static final String DEFAULT_PROCESSING_GUARANTEE = StreamsConfig.EXACTLY_ONCE_V2;
    public static final String DEFAULT_POLL_MS = "10";
    public static final String DEFAULT_SESSION_TIMEOUT_MS = "6000";
    public static final String DEFAULT_HEARTBEAT_INTERVAL_MS = "1500";
    public static final String DEFAULT_REGISTRY_READ_TIMEOUT_MS = "10000";
    public static final String DEFAULT_ACCEPTABLE_RECOVERY_LAG = Long.toString(Long.MAX_VALUE);
    /** What to run for a local broker, registry and demo instead (README command 1). */
    public static final String LOCAL_MODE_HINT = "for a local broker, schema registry and demo run `mvn -q install "
            + "-DskipTests && mvn -q -pl demo exec:java` instead";
    private static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;
    static final String GLOBAL_PROCESSING_EXCEPTION_HANDLER = "processing.exception.handler.global.enabled";
    private static final String REGISTRY_PREFIX = "schema.registry.";
    private static final Set<String> GUARANTEES = Set.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE);
    /** Key fragments whose values are never printed. */
    private static final List<String> SECRET_KEY_PARTS = List.of("password", "secret", "jaas.config", "user.info",
            "token", "keystore.key", "private");

    public ServiceConfig {
        streams = copy(streams);
        serdes = Map.copyOf(serdes);
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(stallAfter, "stallAfter");
    }

    @Override
    public Properties streams() {
        return copy(streams);
    }

    /** The command line's named flags; a null field keeps the lower layers' value (or the default). */
    public record Overrides(String bootstrapServers, String schemaRegistryUrl, String applicationId,
                            String processingGuarantee) {

        public static final Overrides NONE = new Overrides(null, null, null, null);

        /** As settings of the command-line layer. */
        public Map<String, String> settings() {
            Map<String, String> settings = new TreeMap<>();
            putIfSet(settings, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            putIfSet(settings, RegistryConfig.URL, schemaRegistryUrl);
            putIfSet(settings, StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            putIfSet(settings, StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
            return settings;
        }
    }

    /** Reads a properties file (UTF-8). */
    public static Properties load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read the configuration file " + file + ": " + e.getMessage());
        }
        return properties;
    }

    /** The three layers merged: file, then the environment's settings, then the command line's. */
    public static Properties layered(Properties file, Map<String, String> environment,
                                     Map<String, String> commandLine) {
        Properties all = copy(file);
        EnvironmentSettings.from(environment).forEach(all::setProperty);
        commandLine.forEach(all::setProperty);
        return all;
    }

    /** A file plus the command line's named flags (no environment): what tests and the local mode use. */
    public static ServiceConfig build(Properties file, Overrides overrides) {
        return build(layered(file, Map.of(), overrides.settings()));
    }

    /** @throws ConfigException naming the key of the first missing or bad value */
    public static ServiceConfig build(Properties layered) {
        // resolved once here, so that every reader (the registry client, streamlate.* keys) gets the values
        Properties all = ConfigProviders.resolve(layered);
        all.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        all.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, DEFAULT_PROCESSING_GUARANTEE);
        all.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, DEFAULT_POLL_MS);
        // the behaviour Kafka 5.0 makes the default (Kafka Streams warns at every start without it)
        all.putIfAbsent(GLOBAL_PROCESSING_EXCEPTION_HANDLER, "true");
        // the stream threads' assignor reads its copy of the setting from the consumer's configuration, and warns
        // without it (the consumer logs it, at INFO, as supplied but unused)
        all.putIfAbsent(StreamsConfig.mainConsumerPrefix(GLOBAL_PROCESSING_EXCEPTION_HANDLER),
                all.getProperty(GLOBAL_PROCESSING_EXCEPTION_HANDLER));
        // a killed instance's partitions move after 6 s instead of 45 s; 6 s is the broker's default minimum
        all.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS);
        all.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, DEFAULT_HEARTBEAT_INTERVAL_MS);
        // a registry that stops answering holds a schema lookup (never a stream thread) for this long per attempt
        all.putIfAbsent(RegistryConfig.READ_TIMEOUT_MS, DEFAULT_REGISTRY_READ_TIMEOUT_MS);
        // every instance counts as caught up, so a restarted one gets its share of the tasks back at once instead of
        // warm-up replicas for up to probing.rebalance.interval.ms (10 min): the pending store holds only inputs in
        // flight, so restoring it is quick; and warm-up replicas are standby tasks, which pausing crashes (below)
        all.putIfAbsent(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, DEFAULT_ACCEPTABLE_RECOVERY_LAG);

        require(all, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        require(all, RegistryConfig.URL);
        String guarantee = all.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG).trim();
        if (!GUARANTEES.contains(guarantee)) {
            throw new ConfigException(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee,
                    "must be one of " + GUARANTEES);
        }
        refuseStandbyReplicas(all);
        requireStoreFiles(all);
        StreamlateConfig settings = StreamlateConfig.of(all);
        TopologyConfig topology = settings.topology();

        Properties streams = new Properties();
        Map<String, Object> serdes = new HashMap<>();
        for (String key : all.stringPropertyNames()) {
            String value = all.getProperty(key);
            serdes.put(key, value);
            if (!key.startsWith(StreamlateConfig.PREFIX) && !key.equals(RegistryConfig.URL)) {
                streams.setProperty(key, value);
            }
        }
        RegistryConfig.from(serdes); // the registry URL and client settings, checked now rather than at first use
        StreamsConfig parsed = new StreamsConfig(streams); // every Kafka value checked; the exception names the key
        Object pollInterval = parsed.getMainConsumerConfigs("check", "check", 0)
                .get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        long maxPollInterval = pollInterval == null ? DEFAULT_MAX_POLL_INTERVAL_MS
                : Long.parseLong(pollInterval.toString().trim());
        if (topology.offerMaxBlock().toMillis() * 2 > maxPollInterval) {
            throw new ConfigException(StreamlateConfig.OFFER_MAX_BLOCK_MS, topology.offerMaxBlock().toMillis(),
                    "must be at most half of max.poll.interval.ms (" + maxPollInterval + ")");
        }
        return new ServiceConfig(streams, topology, serdes, settings.engine(), settings.httpHost(),
                settings.httpPort(), settings.view(), settings.shutdownTimeout(), settings.stallAfter());
    }

    /**
     * Kafka Streams 4.3's state updater fails the client when {@code KafkaStreams.resume()} meets standby tasks that
     * {@code pause()} left as the only ones updating (KAFKA-20731, open), and the backpressure controller pauses and
     * resumes whenever the batcher's queue fills. Refused at start rather than a crash at the first burst.
     */
    private static void refuseStandbyReplicas(Properties all) {
        String standbys = all.getProperty(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
        if (standbys != null && !standbys.trim().equals("0")) {
            throw new ConfigException(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys, "must be 0: with standby "
                    + "tasks, Kafka Streams 4.3 fails the client when the backpressure controller resumes it "
                    + "(KAFKA-20731); a killed instance's tasks move to the survivors after session.timeout.ms and "
                    + "restore the small pending store from its changelog");
        }
    }

    /**
     * A key or trust store that is not there would otherwise surface as a nested exception from deep inside the
     * first Kafka client's construction; refused here naming the key and the path (never the password). The
     * registry client checks its own ({@code schema.registry.ssl.*}).
     */
    private static void requireStoreFiles(Properties all) {
        for (String key : all.stringPropertyNames()) {
            boolean store = key.endsWith(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG)
                    || key.endsWith(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
            if (store && !key.startsWith(REGISTRY_PREFIX)) {
                String location = all.getProperty(key).trim();
                Path file = Path.of(location);
                if (!location.isEmpty() && !(Files.isRegularFile(file) && Files.isReadable(file))) {
                    throw new ConfigException(key, location, "is not a readable file");
                }
            }
        }
    }

    /** Every effective setting, one {@code key=value} per line in key order, secrets masked: safe to log. */
    public String describe() {
        Map<String, Object> sorted = new TreeMap<>(serdes);
        streams.stringPropertyNames().forEach(key -> sorted.put(key, streams.getProperty(key)));
        StringBuilder text = new StringBuilder();
        sorted.forEach((key, value) -> text.append(key).append('=').append(isSecret(key) ? "[hidden]" : value)
                .append('\n'));
        return text.toString();
    }

    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_KEY_PARTS.stream().anyMatch(lower::contains) && !lower.endsWith(".location")
                && !lower.endsWith(".type") && !lower.endsWith(".source");
    }

    private static void putIfSet(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }

    private static void require(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, value, "is required (give it on the command line, in the environment "
                    + "or in --config); " + LOCAL_MODE_HINT);
        }
    }

    private static Properties copy(Properties properties) {
        Properties copy = new Properties();
        for (String key : properties.stringPropertyNames()) {
            copy.setProperty(key, properties.getProperty(key));
        }
        return copy;
    }
}
