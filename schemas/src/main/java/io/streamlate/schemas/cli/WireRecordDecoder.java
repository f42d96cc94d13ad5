package io.streamlate.schemas.cli;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.schemas.serde.AvroDeserializer;
import io.streamlate.schemas.serde.WireFormat;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Decodes Kafka values in Confluent's wire format into {@link Alignment} or {@link Translation}, chosen by the
 * full name of the writer schema the registry holds for the record's schema id. Anything else is
 * {@link ReadOutcome.Unreadable}; only a registry that cannot be reached is thrown ({@link SchemaRegistryException}).
 */
final class WireRecordDecoder {

    private final SchemaRegistryClient registry;
    private final AvroDeserializer<Alignment> alignments;
    private final AvroDeserializer<Translation> translations;

    /** @param serdeProperties the registry connection and serde settings ({@code schema.registry.url}, …) */
    WireRecordDecoder(SchemaRegistryClient registry, Map<String, ?> serdeProperties) {
        this.registry = registry;
        this.alignments = AvroDeserializer.specific(Alignment.class, registry);
        this.translations = AvroDeserializer.specific(Translation.class, registry);
        alignments.configure(serdeProperties, false);
        translations.configure(serdeProperties, false);
    }

    ReadOutcome decode(ConsumerRecord<byte[], byte[]> record) {
        Origin origin = new Origin.Kafka(record.topic(), record.partition(), record.offset(), record.timestamp());
        if (record.value() == null) {
            return new ReadOutcome.Unreadable(origin, "no value (a tombstone)");
        }
        try {
            return new ReadOutcome.Decoded(origin, deserialize(record.topic(), record.value()));
        } catch (InvalidPayloadException e) {
            return new ReadOutcome.Unreadable(origin, e.getMessage());
        }
    }

    private SpecificRecord deserialize(String topic, byte[] value) {
        OptionalInt schemaId = WireFormat.schemaIdOf(value);
        if (schemaId.isEmpty()) {
            return alignments.deserialize(topic, value); // throws, saying what is wrong with the header
        }
        String writer = writerName(schemaId.getAsInt());
        if (writer.equals(Alignment.getClassSchema().getFullName())) {
            return alignments.deserialize(topic, value);
        }
        if (writer.equals(Translation.getClassSchema().getFullName())) {
            return translations.deserialize(topic, value);
        }
        throw new InvalidPayloadException(Reason.INCOMPATIBLE_SCHEMA, "schema id " + schemaId.getAsInt() + " is "
                + writer + ", neither an Alignment nor a Translation");
    }

    private String writerName(int schemaId) {
        try {
            return registry.schemaById(schemaId).getFullName();
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new InvalidPayloadException(Reason.UNKNOWN_SCHEMA_ID, "schema id " + schemaId
                        + " is not in the registry", e);
            }
            throw e;
        }
    }
}
