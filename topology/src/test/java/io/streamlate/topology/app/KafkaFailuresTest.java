package io.streamlate.topology.app;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-line reasons for a refused login, a failed handshake and a denied request, without secrets. */
class KafkaFailuresTest {

    private static final String REFUSED = "Authentication failed during authentication due to invalid credentials "
            + "with SASL mechanism SCRAM-SHA-256";

    @Test
    void aRefusedLoginNamesTheUserAndTheMechanismButNotThePassword() {
        Properties streams = new Properties();
        streams.setProperty("sasl.mechanism", "SCRAM-SHA-256");
        streams.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"svc\" password=\"hunter2\";");

        String explained = KafkaFailures.explain(new StreamsException(new SaslAuthenticationException(REFUSED)),
                streams);

        assertThat(explained).startsWith("Kafka refused the login of user svc with SCRAM-SHA-256 (an unknown user or "
                + "a wrong password; the broker does not say which): check sasl.jaas.config").contains(REFUSED)
                .doesNotContain("hunter2");
    }

    @Test
    void aRefusedLoginWithoutAJaasConfigSaysSo() {
        assertThat(KafkaFailures.explain(new SaslAuthenticationException(REFUSED), new Properties()))
                .contains("user (none: sasl.jaas.config is not set) with GSSAPI");
    }

    @Test
    void aFailedHandshakePointsAtTheTrustStoreWithTheJdksReason() {
        SslAuthenticationException handshake = new SslAuthenticationException("SSL handshake failed",
                new IllegalStateException("PKIX path building failed"));

        assertThat(KafkaFailures.explain(new KafkaException(handshake), new Properties()))
                .isEqualTo("the TLS handshake with Kafka failed: check ssl.truststore.location, it must hold the CA "
                        + "that signed the brokers' certificates (PKIX path building failed)");
    }

    @Test
    void aDeniedTopicNamesTheUserTheTopicsAndTheAclList() {
        String explained = KafkaFailures.explain(new StreamsException(new TopicAuthorizationException(
                Set.of("translations", "alignments"))), service("streamlate"));

        // sorted, whatever the order of the exception's set
        assertThat(explained).startsWith("Kafka denied user svc access to topic(s) alignments, translations: add "
                + "the ACL for it that deploy/README.md (\"Kafka ACLs\") lists (Not authorized to access topics: ");
    }

    @Test
    void aDeniedTopicCreationTakesTheTopicFromKafkaStreamsWrapper() {
        String explained = KafkaFailures.explain(new StreamsException("Could not create topic app-store-changelog.",
                new TopicAuthorizationException("Authorization failed.")), service("app"));

        assertThat(explained).startsWith("Kafka denied user svc access to topic(s) app-store-changelog: add the ACL")
                .endsWith("(Could not create topic app-store-changelog. Authorization failed.)");
    }

    @Test
    void aDeniedGroupNamesTheGroup() {
        assertThat(KafkaFailures.explain(new StreamsException(new GroupAuthorizationException(
                "Not authorized to access group: app", "app")), service("app")))
                .startsWith("Kafka denied user svc access to consumer group app: add the ACL");
    }

    @Test
    void aDeniedTransactionalIdNamesTheApplicationIdPrefix() {
        assertThat(KafkaFailures.explain(new KafkaException(new TransactionalIdAuthorizationException(
                "Transactional Id authorization failed.")), service("app")))
                .isEqualTo("Kafka denied user svc access to the transactional ids prefixed app-: add the ACL for it "
                        + "that deploy/README.md (\"Kafka ACLs\") lists (Transactional Id authorization failed.)");
    }

    @Test
    void aDeniedClusterActionNamesTheCluster() {
        assertThat(KafkaFailures.explain(new ClusterAuthorizationException("Cluster authorization failed."),
                service("app"))).startsWith("Kafka denied user svc access to the cluster: add the ACL");
    }

    @Test
    void anyOtherFailureIsDescribedAsItIs() {
        assertThat(KafkaFailures.explain(new IllegalStateException("boom"), new Properties()))
                .isEqualTo("java.lang.IllegalStateException: boom");
    }

    private static Properties service(String applicationId) {
        Properties streams = new Properties();
        streams.setProperty("application.id", applicationId);
        streams.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"svc\" password=\"hunter2\";");
        return streams;
    }
}
