package io.streamlate.local;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker of {@link EmbeddedKafka#startAuthorized}: deny by default, ACLs through the admin port. */
class AuthorizedEmbeddedKafkaTest {

    private static final ScramUser ADMIN = new ScramUser("admin", "adminSecret1");
    private static final ScramUser BOB = new ScramUser("bob", "bobSecret1");

    private static TlsMaterial tls;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        tls = TlsMaterial.generate();
        kafka = EmbeddedKafka.startAuthorized(tls, List.of(ADMIN, BOB), ADMIN);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    void aUserWithoutAnAclIsDeniedAndMayOnceItIsCreated() throws Exception {
        kafka.createTopic("guarded", 1);

        assertThatThrownBy(() -> produce(BOB, "guarded")).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TopicAuthorizationException.class).hasMessageContaining("guarded");

        kafka.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "guarded",
                PatternType.LITERAL), new AccessControlEntry("User:" + BOB.name(), "*", AclOperation.WRITE,
                AclPermissionType.ALLOW))));
        assertThat(produce(BOB, "guarded")).isZero();
    }

    @Test
    void theSuperUserNeedsNoAcl() throws Exception {
        kafka.createTopic("open-to-admin", 1);

        assertThat(produce(ADMIN, "open-to-admin")).isZero();
    }

    /** Produces one record as {@code user}; returns its offset. */
    private static long produce(ScramUser user, String topic) throws Exception {
        Map<String, Object> config = kafka.clientConfig(user, tls);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS).offset();
        }
    }
}
