package io.streamlate.schemas.serde;

import io.streamlate.schemas.registry.SchemaRegistryClient;
import io.streamlate.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro records (generated SpecificRecords or GenericRecords) in Confluent's wire format, under the subject
 * {@code <topic>-value} or {@code <topic>-key}. The record's own schema is the writer schema: registered when
 * {@link AvroSerdeConfig#autoRegister()}, otherwise looked up, and a schema missing from the subject is an error
 * naming both rather than a record nobody can read.
 */
public final class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final SchemaRegistryClient shared;
    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;
    private boolean isKey;

    /** A serializer that builds its own registry client at {@link #configure}. */
    public AvroSerializer() {
        this(null);
    }

    /** A serializer that goes through a registry client shared with other serdes (its schema cache too). */
    public AvroSerializer(SchemaRegistryClient shared) {
        this.shared = shared;
    }

    @Override
    public void configure(Map<String, ?> properties, boolean isKey) {
        this.config = AvroSerdeConfig.from(properties);
        this.registry = shared != null ? shared : new SchemaRegistryClient(config.registry());
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        int id = prepare(topic, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writers.computeIfAbsent(schema, s -> writerOf(modelOf(record), s)).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write a " + schema.getFullName() + " to topic " + topic + ": "
                    + e, e);
        }
        return WireFormat.frame(id, out.toByteArray());
    }

    /**
     * Resolves now (registers, or looks up) the id {@code schema} has for {@code topic}, and caches it: a service
     * calls this at start for each schema it writes, so that a registry outage later cannot fail a write.
     *
     * @return the schema id
     * @throws SchemaRegistryException if the registry fails, SerializationException if the schema is missing and
     *                                 auto-registration is off
     */
    public int prepare(String topic, Schema schema) {
        if (registry == null) {
            throw new IllegalStateException("configure() the serializer before use");
        }
        return schemaId(AvroSerdeConfig.subject(topic, isKey), schema);
    }

    private int schemaId(String subject, Schema schema) {
        if (config.autoRegister()) {
            return registry.register(subject, schema);
        }
        try {
            return registry.idOf(subject, schema);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new SerializationException("schema " + schema.getFullName() + " is not registered under "
                        + "subject " + subject + " and " + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + " is false: "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> writerOf(GenericData model, Schema schema) {
        return (DatumWriter<Object>) model.createDatumWriter(schema);
    }

    private static GenericData modelOf(GenericContainer record) {
        // a generated class's own model carries its logical-type conversions (timestamp-millis <-> Instant)
        return record instanceof SpecificRecord ? SpecificData.getForClass(record.getClass()) : GenericData.get();
    }
}
