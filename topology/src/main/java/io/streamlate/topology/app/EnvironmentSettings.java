package io.streamlate.topology.app;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Settings from environment variables, for containers where a properties file is awkward:
 * <ul>
 *   <li>{@code STREAMLATE_KAFKA_<NAME>} → {@code <name>}: any Kafka Streams, client or registry-client key, e.g.
 *   {@code STREAMLATE_KAFKA_BOOTSTRAP_SERVERS} → {@code bootstrap.servers},
 *   {@code STREAMLATE_KAFKA_SCHEMA_REGISTRY_URL} → {@code schema.registry.url},
 *   {@code STREAMLATE_KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config};</li>
 *   <li>any other {@code STREAMLATE_<NAME>} → {@code streamlate.<name>}, e.g. {@code STREAMLATE_BATCH_MAX_SENTENCES}
 *   → {@code streamlate.batch.max.sentences}, {@code STREAMLATE_MODELS} → {@code streamlate.models}.</li>
 * </ul>
 * {@code <name>} is lower-cased, {@code __} becomes {@code _} and {@code _} becomes {@code .}. Other variables are
 * ignored. An unknown {@code streamlate.*} key is an error later (as in a file), so a typo does not pass unnoticed.
 */
public final class EnvironmentSettings {

    public static final String PREFIX = "STREAMLATE_";
    public static final String KAFKA_PREFIX = "STREAMLATE_KAFKA_";

    private EnvironmentSettings() {
    }

    /** The properties the given environment sets, in key order. */
    public static Map<String, String> from(Map<String, String> environment) {
        Map<String, String> settings = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(KAFKA_PREFIX)) {
                if (name.length() > KAFKA_PREFIX.length()) {
                    settings.put(key(name.substring(KAFKA_PREFIX.length())), value);
                }
            } else if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
                settings.put("streamlate." + key(name.substring(PREFIX.length())), value);
            }
        });
        return settings;
    }

    /** {@code SASL_JAAS_CONFIG} → {@code sasl.jaas.config}; {@code A__B} → {@code a_b}. */
    static String key(String name) {
        return Arrays.stream(name.toLowerCase(Locale.ROOT).split("__", -1)).map(part -> part.replace('_', '.'))
                .collect(Collectors.joining("_"));
    }
}
