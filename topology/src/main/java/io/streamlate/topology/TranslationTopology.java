package io.streamlate.topology;

import io.streamlate.model.batching.MicroBatcher;
import io.streamlate.schemas.alignment.AttentionEncoder;
import io.streamlate.topology.config.TopologyConfig;
import io.streamlate.topology.processing.BatchSubmitter;
import io.streamlate.topology.processing.CommitPacer;
import io.streamlate.topology.processing.InputReader;
import io.streamlate.topology.processing.PendingInput;
import io.streamlate.topology.processing.PendingInputSerde;
import io.streamlate.topology.processing.ProcessingListener;
import io.streamlate.topology.processing.TranslationProcessor;
import io.streamlate.topology.processing.TranslationRecords;
import io.streamlate.topology.registry.RegistryView;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Map;
import java.util.Set;

/**
 * The translation topology: sentences → {@link TranslationProcessor} → translations, alignments, dead letters.
 *
 * <pre>
 *   source "sentences" (key and value as raw bytes)
 *     └─ processor "translate" (+ persistent, changelogged pending store)
 *          ├─ sink "translations-sink"  → translations   (Translation)
 *          ├─ sink "alignments-sink"    → alignments     (Alignment)
 *          └─ sink "dead-letters-sink"  → sentences-dlq  (DeadLetter)
 * </pre>
 *
 * The source does not decode: a value that cannot be read becomes a dead letter with its original bytes instead of
 * a deserialization exception that stops the stream thread. Building the topology is separate from configuring and
 * running Kafka Streams (the application main).
 */
public final class TranslationTopology {

    public static final String SOURCE = "sentences-source";
    public static final String PROCESSOR = "translate";
    public static final TranslationProcessor.Sinks SINKS =
            new TranslationProcessor.Sinks("translations-sink", "alignments-sink", "dead-letters-sink");

    private TranslationTopology() {
    }

    /**
     * @param batcher     the instance's shared batcher; its lifecycle is the caller's (close it after KafkaStreams)
     * @param serdeConfig the registry connection and serde options of the Avro serdes
     */
    public static Topology build(TopologyConfig config, MicroBatcher batcher, Map<String, ?> serdeConfig) {
        return build(config, BatchSubmitter.of(batcher), Topics.of(config, serdeConfig), ProcessingListener.NONE,
                RegistryView.TRUSTED);
    }

    /**
     * The same topology over any submitter and pre-configured topics, reporting to {@code listener} (metrics,
     * health, backpressure).
     *
     * @param registry what the processors may know of the registry without calling it
     */
    public static Topology build(TopologyConfig config, BatchSubmitter batcher, Topics topics,
                                 ProcessingListener listener, RegistryView registry) {
        TranslationRecords records = new TranslationRecords(new AttentionEncoder(config.keepPolicy()));
        StoreBuilder<KeyValueStore<Long, PendingInput>> store = pendingStore(config.pendingStoreName());
        CommitPacer commits = new CommitPacer(config.commitSpacing(), System::nanoTime);
        ProcessorSupplier<byte[], byte[], byte[], SpecificRecord> processors =
                new ProcessorSupplier<>() {
                    @Override
                    public Processor<byte[], byte[], byte[], SpecificRecord> get() {
                        InputReader reader = new InputReader(config, topics.input().valueSerde().deserializer(),
                                registry.schemaKnown(), batcher::supports);
                        return new TranslationProcessor(config, batcher, reader, records, SINKS, listener,
                                registry.available(), commits, System::nanoTime);
                    }

                    @Override
                    public Set<StoreBuilder<?>> stores() {
                        return Set.of(store);
                    }
                };
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.input().name());
        topology.addProcessor(PROCESSOR, processors, SOURCE);
        topology.addSink(SINKS.translations(), topics.translations().name(),
                topics.translations().keySerde().serializer(), topics.translations().valueSerde().serializer(),
                PROCESSOR);
        topology.addSink(SINKS.alignments(), topics.alignments().name(),
                topics.alignments().keySerde().serializer(), topics.alignments().valueSerde().serializer(),
                PROCESSOR);
        topology.addSink(SINKS.deadLetters(), topics.deadLetters().name(),
                topics.deadLetters().keySerde().serializer(), topics.deadLetters().valueSerde().serializer(),
                PROCESSOR);
        return topology;
    }

    /**
     * The pending store: persistent (RocksDB), changelogged, keyed by input offset as a big-endian long so that
     * iteration follows offset order. Caching off: every put and delete goes to the changelog in order.
     */
    public static StoreBuilder<KeyValueStore<Long, PendingInput>> pendingStore(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Long(),
                        PendingInputSerde.serde())
                .withLoggingEnabled(Map.of())
                .withCachingDisabled();
    }
}
