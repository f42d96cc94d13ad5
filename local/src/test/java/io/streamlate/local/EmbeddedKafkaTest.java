package io.streamlate.local;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaTest {

    @Test
    void aRecordProducedToACreatedTopicIsConsumedByAGroupAndTheDataIsRemovedOnClose() throws Exception {
        Path dataDirectory;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            dataDirectory = kafka.dataDirectory();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            kafka.createTopic("sentences", 3);

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("sentences", "s-1", "The cat sleeps.")).get();
            }

            assertThat(consumeOne(kafka.bootstrapServers(), "sentences"))
                    .extracting(ConsumerRecord::key, ConsumerRecord::value)
                    .containsExactly("s-1", "The cat sleeps.");
            assertThat(dataDirectory).isDirectory();
        }
        assertThat(Files.exists(dataDirectory)).isFalse();
    }

    @Test
    void creatingAnExistingTopicFailsNamingIt() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("twice", 1);

            assertThatThrownBy(() -> kafka.createTopic("twice", 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot create topic twice");
        }
    }

    private static ConsumerRecord<String, String> consumeOne(String bootstrapServers, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertThat(received).hasSize(1);
            return received.get(0);
        }
    }
}
