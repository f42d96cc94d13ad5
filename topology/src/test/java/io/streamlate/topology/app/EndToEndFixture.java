package io.streamlate.topology.app;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.EmbeddedKafka;
import io.streamlate.model.Await;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.topology.TinyModel;
import io.streamlate.topology.Topics;
import io.streamlate.topology.config.StreamlateConfig;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the end-to-end tests share: the in-process broker and the real Apicurio registry (one pair per test class),
 * the service configuration with per-test topic names, the topics, an Avro producer of {@link SentenceEvent}s and a
 * read_committed reader of the three output topics. Waits are bounded polls of an observable condition, never sleeps.
 */
final class EndToEndFixture implements AutoCloseable {

    static final String[] TEXTS = {"Hello world.", "The cat sleeps.", "Good morning, my friend.",
            "I like green tea.", "Where is the station?", "It is raining today.", "I love you."};
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final EmbeddedKafka kafka;
    private final ApicurioRegistry registry;

    private EndToEndFixture(EmbeddedKafka kafka, ApicurioRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    static EndToEndFixture start() {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try {
            return new EndToEndFixture(kafka, ApicurioRegistry.start());
        } catch (RuntimeException | Error e) {
            kafka.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    String registryUrl() {
        return registry.ccompatUrl().toString();
    }

    /** The registry's Confluent-compatible API, reached through {@code host:port} (a proxy in front of it). */
    String registryUrlVia(String host, int port) {
        return "http://" + host + ":" + port + registry.ccompatUrl().getPath();
    }

    URI registryServer() {
        return registry.url();
    }

    /** SIGSTOPs the registry: connections are accepted, nothing is answered, until {@link #thawRegistry()}. */
    void freezeRegistry() {
        registry.freeze();
    }

    void thawRegistry() {
        registry.thaw();
    }

    /** The properties file of one instance: its state directory, fast commits, per-test topic names. */
    static Properties file(String prefix, Path stateDirectory) {
        Properties file = new Properties();
        file.setProperty(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toString());
        file.setProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        file.setProperty(StreamlateConfig.INPUT_TOPIC, prefix + "sentences");
        file.setProperty(StreamlateConfig.TRANSLATIONS_TOPIC, prefix + "translations");
        file.setProperty(StreamlateConfig.ALIGNMENTS_TOPIC, prefix + "alignments");
        file.setProperty(StreamlateConfig.DEAD_LETTER_TOPIC, prefix + "dlq");
        file.setProperty(StreamlateConfig.DEFAULT_TARGET_LANGUAGE, "fr");
        file.setProperty(StreamlateConfig.BATCH_MAX_SENTENCES, "8");
        file.setProperty(StreamlateConfig.BATCH_WORKERS, "2");
        file.setProperty(StreamlateConfig.HTTP_PORT, "0");
        file.setProperty(StreamlateConfig.MODELS, TinyModel.DIRECTORY.toString());
        file.setProperty(StreamlateConfig.ENGINE_THREADS, "1");
        return file;
    }

    ServiceConfig config(Properties file, String applicationId, String guarantee) {
        return config(file, applicationId, guarantee, registryUrl());
    }

    ServiceConfig config(Properties file, String applicationId, String guarantee, String registryUrl) {
        return ServiceConfig.build(file, new ServiceConfig.Overrides(bootstrapServers(), registryUrl,
                applicationId, guarantee));
    }

    /** Creates input, translations and alignments with {@code partitions} each, the dead-letter topic with 1. */
    Topics createTopics(ServiceConfig config, int partitions) {
        TopologyConfig topology = config.topology();
        kafka.createTopic(topology.inputTopic(), partitions);
        kafka.createTopic(topology.translationsTopic(), partitions);
        kafka.createTopic(topology.alignmentsTopic(), partitions);
        kafka.createTopic(topology.deadLetterTopic(), 1);
        return Topics.of(topology, config.serdes());
    }

    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    Outputs outputs(Topics topics, String group) {
        return new Outputs(topics, new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    /**
     * Member (client id / member id) → partitions of {@code topic} assigned to it in the group
     * {@code applicationId}: a consumer group under the classic protocol, a streams group under
     * {@code group.protocol=streams} (the topology's one sub-topology has a task per input partition).
     */
    Map<String, Set<Integer>> assignment(String applicationId, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Map<String, Set<Integer>> owned = new TreeMap<>();
            ConsumerGroupDescription group;
            try {
                group = admin.describeConsumerGroups(List.of(applicationId)).describedGroups().get(applicationId)
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                StreamsGroupDescription streams = admin.describeStreamsGroups(List.of(applicationId))
                        .describedGroups().get(applicationId).get(30, TimeUnit.SECONDS);
                for (StreamsGroupMemberDescription member : streams.members()) {
                    owned.put(member.clientId() + "/" + member.memberId(), member.assignment().activeTasks()
                            .stream().flatMap(task -> task.partitions().stream())
                            .collect(Collectors.toCollection(TreeSet::new)));
                }
                return owned;
            }
            for (MemberDescription member : group.members()) {
                owned.put(member.clientId() + "/" + member.consumerId(), member.assignment().topicPartitions()
                        .stream().filter(partition -> partition.topic().equals(topic))
                        .map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new)));
            }
            return owned;
        }
    }

    static SentenceEvent event(String id, String text, String target) {
        return SentenceEvent.newBuilder().setId(id).setText(text).setSourceLanguage("en").setTargetLanguage(target)
                .setDocumentId("doc").setPosition(0).setEventTime(Instant.now()).build();
    }

    static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, String key, SentenceEvent event) {
        producer.send(new ProducerRecord<>(topics.input().name(), bytes(key),
                topics.input().valueSerde().serializer().serialize(topics.input().name(), event)));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code GET path} on a service's HTTP port on this machine. */
    static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits for readiness on {@code port} to show the registry UP. Readiness shows the registry's last probe, and a
     * probe through a TLS proxy can meet a transient 502 under load (seen in CI): a real DOWN that the next probe
     * clears, so a test waits for the state rather than reading it once.
     */
    static void awaitRegistryUp(int port, Duration timeout) {
        await(timeout, () -> "the registry UP in readiness: " + get(port, "/health/ready").body(),
                () -> get(port, "/health/ready").body().contains("\"name\":\"registry\",\"status\":\"UP\""));
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code timeout}. */
    static void await(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        Await.until(what, timeout, condition);
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }

    /** The three output topics read with isolation.level=read_committed, decoded with the topology's serdes. */
    static final class Outputs implements AutoCloseable {
        final List<ConsumerRecord<byte[], Translation>> translations = new ArrayList<>();
        final List<ConsumerRecord<byte[], Alignment>> alignments = new ArrayList<>();
        final List<ConsumerRecord<byte[], DeadLetter>> deadLetters = new ArrayList<>();
        /** When each of {@link #translations} was read (System.nanoTime): committed output as consumers see it. */
        final List<Long> translationArrivals = new ArrayList<>();
        private final Topics topics;
        private final KafkaConsumer<byte[], byte[]> consumer;

        private Outputs(Topics topics, KafkaConsumer<byte[], byte[]> consumer) {
            this.topics = topics;
            this.consumer = consumer;
            consumer.subscribe(List.of(topics.translations().name(), topics.alignments().name(),
                    topics.deadLetters().name()));
        }

        void poll() {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            long arrival = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String topic = record.topic();
                if (topic.equals(topics.translations().name())) {
                    translations.add(typed(record, topics.translations().valueSerde().deserializer()
                            .deserialize(topic, record.value())));
                    translationArrivals.add(arrival);
                } else if (topic.equals(topics.alignments().name())) {
                    alignments.add(typed(record, topics.alignments().valueSerde().deserializer()
                            .deserialize(topic, record.value())));
                } else {
                    deadLetters.add(typed(record, topics.deadLetters().valueSerde().deserializer()
                            .deserialize(topic, record.value())));
                }
            }
        }

        /** Polls until every id in {@code ids} has a translation and an alignment, then {@code quiet} more. */
        void awaitAll(Set<String> ids, Duration timeout, Duration quiet) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!translationIds().keySet().containsAll(ids) || !alignmentIds().keySet().containsAll(ids)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not all outputs within " + timeout + ": " + translations.size()
                            + " translations, " + alignments.size() + " alignments for " + ids.size() + " inputs");
                }
                poll();
            }
            long end = System.nanoTime() + quiet.toNanos(); // duplicates would show up here
            while (System.nanoTime() < end) {
                poll();
            }
        }

        Map<String, Long> translationIds() {
            return translations.stream().collect(Collectors.groupingBy(r -> r.value().getId(), TreeMap::new,
                    Collectors.counting()));
        }

        Map<String, Long> alignmentIds() {
            return alignments.stream().collect(Collectors.groupingBy(r -> r.value().getId(), TreeMap::new,
                    Collectors.counting()));
        }

        @Override
        public void close() {
            consumer.close();
        }

        private static <V> ConsumerRecord<byte[], V> typed(ConsumerRecord<byte[], byte[]> record, V value) {
            return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
                    value, record.headers(), record.leaderEpoch());
        }
    }
}
