package io.streamlate.schemas.serde;

import io.streamlate.schemas.registry.ConfigValues;
import io.streamlate.schemas.registry.RegistryConfig;
import org.apache.kafka.common.config.ConfigException;

import java.util.Map;

/**
 * Everything the Avro serdes read from a Kafka-style property map: the registry connection and how the serdes use
 * it. Subjects always follow Confluent's TopicNameStrategy ({@code <topic>-value}, {@code <topic>-key}); a map that
 * asks for another strategy is rejected rather than silently ignored.
 *
 * @param autoRegister    {@value #AUTO_REGISTER_SCHEMAS} (default true): the serializer registers its schema;
 *                        when false it only looks the schema's id up in the subject and fails if it is absent
 * @param maxPayloadBytes {@value #MAX_PAYLOAD_BYTES} (default 4 MiB): larger keys or values are rejected unread
 */
public record AvroSerdeConfig(RegistryConfig registry, boolean autoRegister, int maxPayloadBytes) {

    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String MAX_PAYLOAD_BYTES = "streamlate.serde.max.payload.bytes";
    static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    private static final String TOPIC_NAME_STRATEGY = "TopicNameStrategy";

    public static AvroSerdeConfig from(Map<String, ?> properties) {
        ConfigValues config = new ConfigValues(properties);
        for (String key : new String[]{VALUE_SUBJECT_NAME_STRATEGY, KEY_SUBJECT_NAME_STRATEGY}) {
            config.string(key).filter(strategy -> !strategy.endsWith(TOPIC_NAME_STRATEGY)).ifPresent(strategy -> {
                throw new ConfigException(key, strategy, "only TopicNameStrategy is supported");
            });
        }
        return new AvroSerdeConfig(RegistryConfig.from(properties), config.bool(AUTO_REGISTER_SCHEMAS, true),
                config.integer(MAX_PAYLOAD_BYTES, 4 << 20, WireFormat.HEADER_BYTES, Integer.MAX_VALUE));
    }

    /** The subject of a topic's keys or values (TopicNameStrategy, the only one supported). */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
