package io.streamlate.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker of {@link EmbeddedKafka#startSecured}: SCRAM-SHA-512 over TLS with a CA made at test time. */
class SecuredEmbeddedKafkaTest {

    private static final ScramUser ALICE = new ScramUser("alice", "aliceSecret1");

    private static TlsMaterial tls;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        tls = TlsMaterial.generate();
        kafka = EmbeddedKafka.startSecured(tls, List.of(ALICE));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
        if (tls != null) {
            tls.close();
            assertThat(Files.exists(tls.directory())).isFalse();
        }
    }

    @Test
    void aScramUserOverTlsProducesAndConsumes() throws Exception {
        kafka.createTopic("secured", 1);
        Map<String, Object> producerConfig = kafka.clientConfig(ALICE, tls);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("secured", "k", "over TLS")).get(30, TimeUnit.SECONDS);
        }

        Map<String, Object> consumerConfig = kafka.clientConfig(ALICE, tls);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "secured-test");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("secured"));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertThat(received).extracting(ConsumerRecord::value).containsExactly("over TLS");
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> config = kafka.clientConfig(ALICE, tls);
        config.put("sasl.jaas.config", ScramUser.jaasConfig(ALICE.name(), "wrongPassword"));

        assertThatThrownBy(() -> describeCluster(config)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SaslAuthenticationException.class)
                .hasMessageContaining("SCRAM-SHA-512");
    }

    @Test
    void anUnknownUserIsRefused() {
        Map<String, Object> config = kafka.clientConfig(new ScramUser("mallory", "aliceSecret1"), tls);

        assertThatThrownBy(() -> describeCluster(config)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void aClientThatDoesNotTrustTheCaFailsTheHandshake() {
        Map<String, Object> config = kafka.clientConfig(ALICE, tls);
        config.remove("ssl.truststore.location");
        config.remove("ssl.truststore.password");
        config.remove("ssl.truststore.type");

        assertThatThrownBy(() -> describeCluster(config)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void theKeyStoreHoldsTheBrokerChainAndTheTrustStoreOnlyTheCa() throws Exception {
        KeyStore keys = load(tls.keyStore());
        KeyStore trust = load(tls.trustStore());

        assertThat(keys.isKeyEntry("broker")).isTrue();
        assertThat(keys.getCertificateChain("broker")).hasSize(2);
        assertThat(Collections.list(trust.aliases())).containsExactly("ca");
        assertThat(trust.isKeyEntry("ca")).isFalse();
    }

    private KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance(TlsMaterial.STORE_TYPE);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, tls.password().toCharArray());
        }
        return store;
    }

    private static void describeCluster(Map<String, Object> config) throws Exception {
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }
}
