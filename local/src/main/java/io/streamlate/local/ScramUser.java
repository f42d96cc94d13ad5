package io.streamlate.local;

import java.util.Map;
import java.util.Objects;

/**
 * A SCRAM-SHA-512 user of the secured {@link EmbeddedKafka}, and the client settings that log in as it.
 * Names and passwords are plain letters and digits: the broker's bootstrap format ({@code name=...,password=...})
 * and the JAAS line carry them unquoted.
 */
public record ScramUser(String name, String password) {

    public static final String MECHANISM = "SCRAM-SHA-512";

    public ScramUser {
        requirePlain(name, "name");
        requirePlain(password, "password");
    }

    /** The {@code sasl.jaas.config} value that logs in as {@code name} with {@code password}. */
    public static String jaasConfig(String name, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + name
                + "\" password=\"" + password + "\";";
    }

    /** Client settings for the secured broker's SASL_SSL listener, trusting the CA of {@code tls}. */
    public Map<String, String> clientConfig(TlsMaterial tls) {
        return Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", MECHANISM,
                "sasl.jaas.config", jaasConfig(name, password),
                "ssl.truststore.location", tls.trustStore().toString(),
                "ssl.truststore.password", tls.password(),
                "ssl.truststore.type", TlsMaterial.STORE_TYPE);
    }

    /** The argument of {@code kafka-storage.sh format --add-scram} that creates this user. */
    String formatArgument() {
        return MECHANISM + "=[name=" + name + ",password=" + password + "]";
    }

    private static void requirePlain(String value, String what) {
        Objects.requireNonNull(value, what);
        if (!value.matches("[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("a SCRAM user's " + what + " must be letters and digits");
        }
    }
}
