package io.streamlate.schemas.registry;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.Map;
import java.util.Optional;

/**
 * Reads typed settings out of a Kafka-style property map, whose values may be strings (from a properties file) or
 * already typed (set in code). Every error is a Kafka {@link ConfigException} naming the key and the bad value, so
 * a Kafka Streams application fails at startup the same way it does for its own settings.
 */
public record ConfigValues(Map<String, ?> properties) {

    public ConfigValues {
        properties = Map.copyOf(properties);
    }

    public Optional<String> string(String key) {
        Object value = properties.get(key);
        if (value == null) {
            return Optional.empty();
        }
        // Kafka hands passwords over as Password, whose toString() is "[hidden]"
        String text = value instanceof Password password ? password.value() : value.toString().trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    public String requiredString(String key) {
        return string(key).orElseThrow(() -> new ConfigException(key + " is required"));
    }

    public boolean bool(String key, boolean defaultValue) {
        return string(key).map(text -> switch (text.toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, text, "must be true or false");
        }).orElse(defaultValue);
    }

    /** An integer in {@code [min, max]}. */
    public int integer(String key, int defaultValue, int min, int max) {
        long value = string(key).map(text -> parseLong(key, text)).orElse((long) defaultValue);
        if (value < min || value > max) {
            throw new ConfigException(key, value, "must be between " + min + " and " + max);
        }
        return (int) value;
    }

    private static long parseLong(String key, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, text, "must be an integer");
        }
    }
}
