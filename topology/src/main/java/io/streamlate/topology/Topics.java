package io.streamlate.topology;

import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import io.streamlate.schemas.serde.AvroSerializer;
import io.streamlate.schemas.serde.SpecificAvroSerde;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Map;

/**
 * The four topics of the service with their serdes. Keys are raw bytes everywhere: the input key is not
 * interpreted and every output keeps it, so outputs land in the partition of their input's key. Values are Avro in
 * Confluent's wire format ({@link SpecificAvroSerde}), configured with the serde properties given to {@link #of}.
 */
public record Topics(TopicSpec<byte[], SentenceEvent> input, TopicSpec<byte[], Translation> translations,
                     TopicSpec<byte[], Alignment> alignments, TopicSpec<byte[], DeadLetter> deadLetters) {

    /**
     * @param serdeConfig the registry connection and serde options
     *                    ({@link io.streamlate.schemas.serde.AvroSerdeConfig})
     */
    public static Topics of(TopologyConfig config, Map<String, ?> serdeConfig) {
        return of(config, serdeConfig, new SchemaRegistryClient(RegistryConfig.from(serdeConfig)));
    }

    /** The same with every serde going through one registry client (one connection pool, one schema cache). */
    public static Topics of(TopologyConfig config, Map<String, ?> serdeConfig, SchemaRegistryClient registry) {
        return new Topics(
                topic(config.inputTopic(), SentenceEvent.class, serdeConfig, registry),
                topic(config.translationsTopic(), Translation.class, serdeConfig, registry),
                topic(config.alignmentsTopic(), Alignment.class, serdeConfig, registry),
                topic(config.deadLetterTopic(), DeadLetter.class, serdeConfig, registry));
    }

    /**
     * Resolves the value schema ids of the three output topics now (registering them if the serdes auto-register):
     * they are cached for the serializers' lifetime, so once the service runs, writing outputs needs no registry.
     *
     * @throws io.streamlate.schemas.registry.SchemaRegistryException if the registry cannot be reached (after the
     *                                                                client's retries)
     */
    public void prepareOutputs() {
        prepare(translations, Translation.getClassSchema());
        prepare(alignments, Alignment.getClassSchema());
        prepare(deadLetters, DeadLetter.getClassSchema());
    }

    private static void prepare(TopicSpec<byte[], ?> topic, Schema schema) {
        if (!(topic.valueSerde().serializer() instanceof AvroSerializer<?> serializer)) {
            throw new IllegalStateException("the value serializer of " + topic.name() + " is not an AvroSerializer");
        }
        serializer.prepare(topic.name(), schema);
    }

    private static <V extends SpecificRecord> TopicSpec<byte[], V> topic(String name, Class<V> type,
                                                                          Map<String, ?> serdeConfig,
                                                                          SchemaRegistryClient registry) {
        Serde<V> values = new SpecificAvroSerde<>(type, registry);
        values.configure(serdeConfig, false);
        return new TopicSpec<>(name, Serdes.ByteArray(), values);
    }
}
