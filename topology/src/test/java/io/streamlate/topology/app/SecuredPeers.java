package io.streamlate.topology.app;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.EmbeddedKafka;
import io.streamlate.local.NginxTlsProxy;
import io.streamlate.local.ScramUser;
import io.streamlate.local.TlsMaterial;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.topology.Topics;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.streamlate.topology.app.EndToEndFixture.TEXTS;
import static io.streamlate.topology.app.EndToEndFixture.event;
import static io.streamlate.topology.app.EndToEndFixture.send;

/**
 * What the secured-cluster tests share: the TLS material, the SASL_SSL broker (optionally with an authorizer), the
 * real Apicurio registry and, where a test wants it, nginx in front of it; the test's own clients, which log in as
 * the checker user over the same listener. Closes in reverse order of start, every part even if one fails.
 */
final class SecuredPeers implements AutoCloseable {

    private final TlsMaterial tls;
    private final EmbeddedKafka kafka;
    private final ApicurioRegistry registry;
    private final ScramUser checker;
    private NginxTlsProxy proxy;

    private SecuredPeers(TlsMaterial tls, EmbeddedKafka kafka, ApicurioRegistry registry, ScramUser checker) {
        this.tls = tls;
        this.kafka = kafka;
        this.registry = registry;
        this.checker = checker;
    }

    /** A SASL_SSL broker with these users (the checker among them), no authorizer. */
    static SecuredPeers start(List<ScramUser> users, ScramUser checker) {
        TlsMaterial tls = TlsMaterial.generate();
        return start(tls, () -> EmbeddedKafka.startSecured(tls, users), checker);
    }

    /** The same with {@code StandardAuthorizer}, deny by default; the checker is the super user. */
    static SecuredPeers startAuthorized(List<ScramUser> users, ScramUser checker) {
        TlsMaterial tls = TlsMaterial.generate();
        return start(tls, () -> EmbeddedKafka.startAuthorized(tls, users, checker), checker);
    }

    private interface BrokerStart {
        EmbeddedKafka start();
    }

    private static SecuredPeers start(TlsMaterial tls, BrokerStart broker, ScramUser checker) {
        EmbeddedKafka kafka = null;
        try {
            kafka = broker.start();
            return new SecuredPeers(tls, kafka, ApicurioRegistry.start(), checker);
        } catch (RuntimeException | Error e) {
            try {
                if (kafka != null) {
                    kafka.close();
                }
            } finally {
                tls.close();
            }
            throw e;
        }
    }

    /** Puts nginx with TLS and basic auth in front of the registry; closed with the rest. */
    SecuredPeers withRegistryProxy(String user, String password) {
        try {
            proxy = NginxTlsProxy.start(registry.url(), user, password);
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    TlsMaterial tls() {
        return tls;
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    ApicurioRegistry registry() {
        return registry;
    }

    NginxTlsProxy proxy() {
        return proxy;
    }

    /** An instance's settings without security: the SASL_SSL broker, the registry, per-test topics and app id. */
    Properties baseSettings(String prefix, Path stateDirectory) {
        Properties settings = EndToEndFixture.file(prefix, stateDirectory);
        settings.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.setProperty("schema.registry.url", registry.ccompatUrl().toString());
        settings.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "app");
        return settings;
    }

    /** The service's four topics, one partition each, created by the broker's own admin. */
    Topics createTopics(ServiceConfig config) {
        TopologyConfig topology = config.topology();
        kafka.createTopic(topology.inputTopic(), 1);
        kafka.createTopic(topology.translationsTopic(), 1);
        kafka.createTopic(topology.alignmentsTopic(), 1);
        kafka.createTopic(topology.deadLetterTopic(), 1);
        return Topics.of(topology, config.serdes());
    }

    /** The test's own clients log in as the checker, over the same listener. */
    Map<String, Object> checkerClient() {
        return kafka.clientConfig(checker, tls);
    }

    /** Sends {@code count} sentences with ids {@code idPrefix + i} under one key; returns their ids. */
    Set<String> sendSentences(Topics topics, String idPrefix, int count) {
        Set<String> ids = new TreeSet<>();
        Map<String, Object> config = checkerClient();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                ids.add(idPrefix + i);
                send(producer, topics, "doc", event(idPrefix + i, TEXTS[i], "fr"));
            }
            producer.flush();
        }
        return ids;
    }

    /** A read_committed reader of a topic from its beginning, in its own group. */
    KafkaConsumer<byte[], byte[]> translationsReader(String topic, String group) {
        Map<String, Object> config = checkerClient();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Reads translations until exactly {@code ids} have one; returns id → translated text. */
    Map<String, String> awaitTranslations(Topics topics, String group, Set<String> ids, Duration timeout) {
        Map<String, String> translated = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = translationsReader(topics.translations().name(), group)) {
            EndToEndFixture.await(timeout, () -> "translations of " + ids + ", have " + translated.keySet(), () -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Translation translation = topics.translations().valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    translated.put(translation.getId().toString(), translation.getTranslatedText().toString());
                }
                return translated.keySet().equals(ids);
            });
        }
        return translated;
    }

    @Override
    public void close() {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            try {
                registry.close();
            } finally {
                try {
                    kafka.close();
                } finally {
                    tls.close();
                }
            }
        }
    }
}
