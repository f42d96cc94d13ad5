package io.streamlate.topology.config;

import io.streamlate.model.TranslationException;
import io.streamlate.model.alignment.LinkRule;
import io.streamlate.model.onnx.Device;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** The checks of {@link StreamlateConfig}'s keys that Kafka's {@link ConfigDef} has no validator for. */
final class Validators {

    private Validators() {
    }

    /** {@code validator} for a key whose default is none (null): the absent value is not checked. */
    static ConfigDef.Validator optional(ConfigDef.Validator validator) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                if (value != null) {
                    validator.ensureValid(key, value);
                }
            }

            @Override
            public String toString() {
                return validator.toString();
            }
        };
    }

    static ConfigDef.Validator topicName() {
        return (key, value) -> {
            String name = (String) value;
            if (name == null || !name.matches("[A-Za-z0-9._-]{1,249}") || name.equals(".") || name.equals("..")) {
                throw new ConfigException(key, value, "is not a legal Kafka topic name");
            }
        };
    }

    static ConfigDef.Validator notBlank() {
        return (key, value) -> {
            if (value != null && ((String) value).isBlank()) {
                throw new ConfigException(key, value, "must not be blank");
            }
        };
    }

    static ConfigDef.Validator storeName() {
        return (key, value) -> {
            if (value == null || !((String) value).trim().matches("[A-Za-z0-9._-]+")) {
                throw new ConfigException(key, value, "must be made of letters, digits, '.', '_' and '-'");
            }
        };
    }

    static ConfigDef.Validator linkRule() {
        return (key, value) -> {
            if (value != null) {
                try {
                    LinkRule.parse((String) value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(key, value, e.getMessage());
                }
            }
        };
    }

    static ConfigDef.Validator device() {
        return (key, value) -> {
            try {
                Device.parse((String) value);
            } catch (TranslationException e) {
                throw new ConfigException(key, value, "must be cpu or cuda:N (e.g. cuda:0)");
            }
        };
    }

    static ConfigDef.Validator modelDirectories() {
        return (key, value) -> {
            List<?> directories = (List<?>) value;
            if (directories == null || directories.stream().allMatch(d -> String.valueOf(d).isBlank())) {
                throw new ConfigException(key, value, "must name at least one model directory");
            }
            for (Object directory : directories) {
                try {
                    Path.of(String.valueOf(directory).trim());
                } catch (InvalidPathException e) {
                    throw new ConfigException(key, value, "is not a list of directories: " + e.getMessage());
                }
            }
        };
    }
}
