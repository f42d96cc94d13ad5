package io.streamlate.topology.config;

import java.util.Arrays;
import java.util.Locale;

/** Which inputs a task's outputs keep the order of: its inputs of one key, or all its inputs (its partition's). */
public enum OutputOrder {
    /** Outputs of one key leave in offset order; an input waits only for earlier ones of its key. */
    KEY,
    /** All of a task's outputs leave in offset order; every input waits for all earlier ones. */
    PARTITION;

    /** The configuration value, as written in {@link StreamlateConfig}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OutputOrder parse(String value) {
        return Arrays.stream(values()).filter(order -> order.key().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("output order must be key or partition, is "
                        + value));
    }
}
