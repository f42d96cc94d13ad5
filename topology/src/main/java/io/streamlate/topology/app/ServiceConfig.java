package io.streamlate.topology.app;

import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The service's whole configuration, built from one set of properties (a file) plus the command line's overrides,
 * kept apart from {@code main} so that it is tested alone:
 * <ul>
 *   <li>{@link #streams()}: every key that does not start with {@code streamlate.} and is not the registry's URL,
 *       passed through to {@link StreamsConfig} untouched (Kafka Streams, producer, consumer and admin settings,
 *       {@code security.*}, {@code sasl.*}, {@code ssl.*} included), plus the defaults below;</li>
 *   <li>{@link #topology()}: the {@code streamlate.*} keys, read by {@link TopologyConfig#from};</li>
 *   <li>{@link #serdes()}: every key, for the Avro serdes and their registry client (they read only theirs).</li>
 * </ul>
 * Defaults: {@code application.id=streamlate}, {@code processing.guarantee=exactly_once_v2}, {@code poll.ms=10}
 * (an idle stream thread would otherwise wait 100 ms in poll before the punctuator forwards a finished result),
 * {@code processing.exception.handler.global.enabled=true}.
 * A bad value fails with a {@link ConfigException} naming its key.
 */
public record ServiceConfig(Properties streams, TopologyConfig topology, Map<String, Object> serdes) {

    public static final String DEFAULT_APPLICATION_ID = "streamlate";
    public static final String DEFAULT_PROCESSING_GUARANTEE = StreamsConfig.EXACTLY_ONCE_V2;
    public static final String DEFAULT_POLL_MS = "10";
    static final String GLOBAL_PROCESSING_EXCEPTION_HANDLER = "processing.exception.handler.global.enabled";
    private static final Set<String> GUARANTEES = Set.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE);

    public ServiceConfig {
        streams = copy(streams);
        serdes = Map.copyOf(serdes);
    }

    @Override
    public Properties streams() {
        return copy(streams);
    }

    /** The command line's settings; a null field keeps the file's value (or the default). */
    public record Overrides(String bootstrapServers, String schemaRegistryUrl, String applicationId,
                            String processingGuarantee) {

        public static final Overrides NONE = new Overrides(null, null, null, null);
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

    /** @throws ConfigException naming the key of the first missing or bad value */
    public static ServiceConfig build(Properties file, Overrides overrides) {
        Properties all = copy(file);
        set(all, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, overrides.bootstrapServers());
        set(all, RegistryConfig.URL, overrides.schemaRegistryUrl());
        set(all, StreamsConfig.APPLICATION_ID_CONFIG, overrides.applicationId());
        set(all, StreamsConfig.PROCESSING_GUARANTEE_CONFIG, overrides.processingGuarantee());
        all.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        all.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, DEFAULT_PROCESSING_GUARANTEE);
        all.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, DEFAULT_POLL_MS);
        // the behaviour Kafka 5.0 makes the default (Kafka Streams warns at every start without it)
        all.putIfAbsent(GLOBAL_PROCESSING_EXCEPTION_HANDLER, "true");

        require(all, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        require(all, RegistryConfig.URL);
        String guarantee = all.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG).trim();
        if (!GUARANTEES.contains(guarantee)) {
            throw new ConfigException(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee,
                    "must be one of " + GUARANTEES);
        }

        Properties streams = new Properties();
        Map<String, Object> serdes = new HashMap<>();
        for (String key : all.stringPropertyNames()) {
            String value = all.getProperty(key);
            serdes.put(key, value);
            if (!key.startsWith(TopologyConfig.PREFIX) && !key.equals(RegistryConfig.URL)) {
                streams.setProperty(key, value);
            }
        }
        TopologyConfig topology = TopologyConfig.from(all);
        RegistryConfig.from(serdes); // the registry URL and client settings, checked now rather than at first use
        new StreamsConfig(streams); // every Kafka value parsed and checked; the exception names the key
        return new ServiceConfig(streams, topology, serdes);
    }

    private static void set(Properties properties, String key, String value) {
        if (value != null) {
            properties.setProperty(key, value);
        }
    }

    private static void require(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, value, "is required (give it on the command line or in --config)");
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
