package io.streamlate.schemas.serde;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.schemas.LocalPeers;
import io.streamlate.schemas.SampleRecords;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The serdes against Apicurio Registry: wire format, subjects, auto-registration and schema evolution. */
@ExtendWith(LocalPeers.class)
class AvroSerdeTest {

    private static ApicurioRegistry registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void connect(ApicurioRegistry apicurio) {
        registry = apicurio;
        client = new SchemaRegistryClient(RegistryConfig.from(LocalPeers.serdeProperties(apicurio, Map.of())));
    }

    @Test
    void everyGeneratedClassRoundTripsInConfluentsWireFormat() {
        for (SpecificRecord sample : SampleRecords.all()) {
            String topic = "round-trip-" + sample.getSchema().getName();
            @SuppressWarnings("unchecked")
            Class<SpecificRecord> type = (Class<SpecificRecord>) sample.getClass();
            try (Serde<SpecificRecord> serde = configured(new SpecificAvroSerde<>(type), Map.of(), false)) {
                byte[] payload = serde.serializer().serialize(topic, sample);

                assertThat(payload[0]).isZero();
                assertThat(ByteBuffer.wrap(payload, 1, 4).getInt())
                        .isEqualTo(client.idOf(topic + "-value", sample.getSchema()));
                assertThat(serde.deserializer().deserialize(topic, payload)).isEqualTo(sample);
            }
        }
    }

    @Test
    void keysAreRegisteredUnderTheKeySubject() {
        SentenceEvent sample = SampleRecords.sentenceEvent();
        try (Serde<SentenceEvent> serde = configured(new SpecificAvroSerde<>(SentenceEvent.class), Map.of(), true)) {
            byte[] payload = serde.serializer().serialize("keyed", sample);

            assertThat(client.latest("keyed-key").id()).isEqualTo(ByteBuffer.wrap(payload, 1, 4).getInt());
            assertThat(serde.deserializer().deserialize("keyed", payload)).isEqualTo(sample);
        }
    }

    @Test
    void nullStaysNullBothWays() {
        try (Serde<SentenceEvent> serde = configured(new SpecificAvroSerde<>(SentenceEvent.class), Map.of(), false)) {
            assertThat(serde.serializer().serialize("nulls", null)).isNull();
            assertThat(serde.deserializer().deserialize("nulls", null)).isNull();
        }
    }

    @Test
    void aRecordThatDoesNotFitItsSchemaFailsAsASerializationErrorNamingTheTopic() {
        GenericRecord withoutText = new GenericData.Record(SentenceEvent.getClassSchema());
        withoutText.put("id", "s-1");
        try (Serde<GenericRecord> serde = configured(new GenericAvroSerde(), Map.of(), false)) {
            assertThatThrownBy(() -> serde.serializer().serialize("unfit", withoutText))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("cannot write a io.streamlate.schemas.avro.SentenceEvent to topic unfit");
        }
    }

    @Test
    void withoutAutoRegistrationTheSchemaMustAlreadyBeInTheSubject() {
        SentenceEvent sample = SampleRecords.sentenceEvent();
        try (Serde<SentenceEvent> serde = configured(new SpecificAvroSerde<>(SentenceEvent.class),
                Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"), false)) {
            assertThatThrownBy(() -> serde.serializer().serialize("preregistered", sample))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("io.streamlate.schemas.avro.SentenceEvent is not registered under "
                            + "subject preregistered-value and auto.register.schemas is false");

            int id = client.register("preregistered-value", SentenceEvent.getClassSchema());
            byte[] payload = serde.serializer().serialize("preregistered", sample);

            assertThat(ByteBuffer.wrap(payload, 1, 4).getInt()).isEqualTo(id);
            assertThat(client.latest("preregistered-value").version()).as("nothing else registered").isEqualTo(1);
        }
    }

    @Test
    void aGeneratedClassReadsARecordFromANewerWriterWithAnAddedField() {
        SentenceEvent sample = SampleRecords.sentenceEvent();
        Schema newer = withAddedField(SentenceEvent.getClassSchema(), "priority", "normal");
        GenericRecord written = new GenericData.Record(newer);
        for (Schema.Field field : SentenceEvent.getClassSchema().getFields()) {
            Object value = sample.get(field.name());
            written.put(field.name(), value instanceof java.time.Instant instant ? instant.toEpochMilli() : value);
        }
        written.put("priority", "urgent");

        try (Serde<GenericRecord> writer = configured(new GenericAvroSerde(), Map.of(), false);
             Serde<SentenceEvent> reader = configured(new SpecificAvroSerde<>(SentenceEvent.class), Map.of(),
                     false)) {
            byte[] payload = writer.serializer().serialize("evolving", written);

            assertThat(reader.deserializer().deserialize("evolving", payload)).isEqualTo(sample);
        }
    }

    @Test
    void aGenericReaderSchemaFillsDefaultsIntoRecordsOfAnOlderWriter() {
        Schema newer = withAddedField(SentenceEvent.getClassSchema(), "priority", "normal");
        try (Serde<SentenceEvent> writer = configured(new SpecificAvroSerde<>(SentenceEvent.class), Map.of(), false);
             Serde<GenericRecord> asWritten = configured(new GenericAvroSerde(), Map.of(), false);
             Serde<GenericRecord> asNewer = configured(new GenericAvroSerde(newer), Map.of(), false)) {
            byte[] payload = writer.serializer().serialize("older-writer", SampleRecords.sentenceEvent());

            GenericRecord inWriterSchema = asWritten.deserializer().deserialize("older-writer", payload);
            GenericRecord inReaderSchema = asNewer.deserializer().deserialize("older-writer", payload);

            assertThat(inWriterSchema.getSchema()).isEqualTo(SentenceEvent.getClassSchema());
            assertThat(inWriterSchema.hasField("priority")).isFalse();
            assertThat(inReaderSchema.get("priority")).hasToString("normal");
            assertThat(inReaderSchema.get("text")).hasToString("The cat sleeps.");
        }
    }

    static <T, S extends Serde<T>> S configured(S serde, Map<String, ?> overrides, boolean isKey) {
        serde.configure(LocalPeers.serdeProperties(registry, overrides), isKey);
        return serde;
    }

    static Schema withAddedField(Schema schema, String name, String defaultValue) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING), "added by a later version",
                defaultValue));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
