package io.streamlate.topology.app;

import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line saying why Kafka refused the service, for the failures an operator fixes in the configuration: a SASL
 * login the broker refused and a TLS handshake that failed. Names the user and the keys to check, never a secret
 * (the password is not read). Anything else is described as it is.
 */
final class KafkaFailures {

    private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"?([^\"\\s;]+)");

    private KafkaFailures() {
    }

    static String explain(Throwable error, Properties streams) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SaslAuthenticationException) {
                // the broker answers an unknown user and a wrong password alike, so as not to reveal which users exist
                return "Kafka refused the login of user " + user(streams) + " with " + mechanism(streams)
                        + " (an unknown user or a wrong password; the broker does not say which): check "
                        + SaslConfigs.SASL_JAAS_CONFIG + " (" + cause.getMessage() + ")";
            }
            if (cause instanceof SslAuthenticationException) {
                return "the TLS handshake with Kafka failed: check ssl.truststore.location, it must hold the CA that "
                        + "signed the brokers' certificates (" + rootMessage(cause) + ")";
            }
        }
        return error.toString();
    }

    private static String user(Properties streams) {
        String jaas = streams.getProperty(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas == null) {
            return "(none: " + SaslConfigs.SASL_JAAS_CONFIG + " is not set)";
        }
        Matcher username = USERNAME.matcher(jaas);
        return username.find() ? username.group(1) : "(no username in " + SaslConfigs.SASL_JAAS_CONFIG + ")";
    }

    private static String mechanism(Properties streams) {
        return streams.getProperty(SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
