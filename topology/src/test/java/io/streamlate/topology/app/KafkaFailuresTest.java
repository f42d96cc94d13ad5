package io.streamlate.topology.app;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-line reasons for a refused login and a failed handshake, without secrets. */
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
    void anyOtherFailureIsDescribedAsItIs() {
        assertThat(KafkaFailures.explain(new IllegalStateException("boom"), new Properties()))
                .isEqualTo("java.lang.IllegalStateException: boom");
    }
}
