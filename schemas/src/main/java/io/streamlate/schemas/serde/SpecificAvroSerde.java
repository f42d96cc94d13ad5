package io.streamlate.schemas.serde;

import io.streamlate.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A Serde for a generated Avro class in Confluent's wire format, e.g. {@code new SpecificAvroSerde<>(
 * SentenceEvent.class)}; Kafka Streams calls {@code configure(properties, isKey)} with the application's
 * properties (see {@link AvroSerdeConfig}).
 */
public final class SpecificAvroSerde<T extends SpecificRecord> extends Serdes.WrapperSerde<T> {

    public SpecificAvroSerde(Class<T> type) {
        super(new AvroSerializer<>(), AvroDeserializer.specific(type));
    }

    /** Both sides through one registry client shared with the instance's other serdes. */
    public SpecificAvroSerde(Class<T> type, SchemaRegistryClient shared) {
        super(new AvroSerializer<>(shared), AvroDeserializer.specific(type, shared));
    }
}
