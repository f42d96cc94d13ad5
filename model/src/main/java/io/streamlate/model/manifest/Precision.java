package io.streamlate.model.manifest;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The arithmetic a model's graphs run in. FLOAT32 is every model's; INT8 is a variant a manifest may name under
 * {@code precisions}: the decoder steps with their constant-weight MatMuls in int8 (weights per column, each
 * input against a fixed bound the graph gives, so no result depends on its batch), the encoder unchanged.
 */
public enum Precision {
    FLOAT32, INT8;

    /** The name in manifests and settings: {@code float32}, {@code int8}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Precision parse(String value) {
        for (Precision precision : values()) {
            if (precision.key().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return precision;
            }
        }
        throw new IllegalArgumentException("precision '" + value + "' is not one of "
                + Arrays.stream(values()).map(Precision::key).collect(Collectors.joining(", ")));
    }
}
