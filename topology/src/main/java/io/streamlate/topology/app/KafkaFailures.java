package io.streamlate.topology.app;

import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line saying why Kafka refused the service, for the failures an operator fixes in the configuration: a SASL
 * login the broker refused, a TLS handshake that failed, and a request the broker's authorizer denied (naming the
 * resource whose ACL is missing). Names the user and the keys to check, never a secret (the password is not read).
 * Anything else is described as it is.
 */
final class KafkaFailures {

    /** Where the ACLs the service needs are listed, as {@code kafka-acls.sh} commands. */
    static final String ACL_LIST = "deploy/README.md (\"Kafka ACLs\")";
    private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"?([^\"\\s;]+)");
    /** A topic name (letters, digits, {@code .}, {@code _}, {@code -}) without the sentence's full stop. */
    private static final Pattern WRAPPED_TOPIC = Pattern.compile("topic ([A-Za-z0-9._-]*[A-Za-z0-9_-])");

    private KafkaFailures() {
    }

    static String explain(Throwable error, Properties streams) {
        Throwable wrapper = null;
        for (Throwable cause = error; cause != null; wrapper = cause, cause = cause.getCause()) {
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
            if (cause instanceof AuthorizationException denied) {
                return "Kafka denied user " + user(streams) + " access to " + resource(denied, wrapper, streams)
                        + ": add the ACL for it that " + ACL_LIST + " lists (" + reason(denied, wrapper) + ")";
            }
        }
        return error.toString();
    }

    /**
     * The exceptions name the topics and the group; a transactional id only ever starts with the application id. A
     * denied topic creation names no topic, but Kafka Streams' wrapper does ("Could not create topic X.").
     */
    private static String resource(AuthorizationException denied, Throwable wrapper, Properties streams) {
        if (denied instanceof TopicAuthorizationException topics) {
            if (!topics.unauthorizedTopics().isEmpty()) {
                return "topic(s) " + String.join(", ", new TreeSet<>(topics.unauthorizedTopics()));
            }
            Matcher named = wrapper == null || wrapper.getMessage() == null ? null
                    : WRAPPED_TOPIC.matcher(wrapper.getMessage());
            if (named != null && named.find()) {
                return "topic(s) " + named.group(1);
            }
        }
        if (denied instanceof GroupAuthorizationException group && group.groupId() != null) {
            return "consumer group " + group.groupId();
        }
        if (denied instanceof TransactionalIdAuthorizationException) {
            return "the transactional ids prefixed " + streams.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-";
        }
        if (denied instanceof ClusterAuthorizationException) {
            return "the cluster";
        }
        return "a resource the broker did not name";
    }

    /** The broker's words, with the wrapper's where they say what was denied. */
    private static String reason(AuthorizationException denied, Throwable wrapper) {
        boolean unnamedTopic = denied instanceof TopicAuthorizationException topics
                && topics.unauthorizedTopics().isEmpty();
        return unnamedTopic && wrapper != null ? wrapper.getMessage() + " " + denied.getMessage()
                : denied.getMessage();
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
