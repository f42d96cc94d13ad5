package io.streamlate.schemas.serde;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import io.streamlate.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reads Confluent wire-format records: the writer schema comes from the registry by the id in the header and is
 * resolved against the reader schema (the generated class's, a given one, or the writer's own), so records of
 * older and newer compatible schema versions read as the reader's version.
 *
 * <p>Every undecodable payload is an {@link InvalidPayloadException} naming the topic and, once known, the schema
 * id: {@link Reason#OVERSIZED} before anything is read, {@link Reason#WRONG_MAGIC_BYTE},
 * {@link Reason#UNKNOWN_SCHEMA_ID}, {@link Reason#INCOMPATIBLE_SCHEMA}, and {@link Reason#TRUNCATED} or
 * {@link Reason#CORRUPT} for bad Avro (see {@link BoundedDecoder}). A registry that cannot be reached is not the
 * payload's fault and stays a {@link SchemaRegistryException}.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

    private final GenericData model;
    private final Optional<Schema> readerSchema;
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final SchemaRegistryClient shared;
    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;
    private boolean isKey;

    private AvroDeserializer(GenericData model, Optional<Schema> readerSchema, SchemaRegistryClient shared) {
        this.model = model;
        this.readerSchema = readerSchema;
        this.shared = shared;
    }

    private AvroDeserializer(GenericData model, Optional<Schema> readerSchema) {
        this(model, readerSchema, null);
    }

    /** Reads into the generated class {@code type}. */
    public static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        return new AvroDeserializer<>(model, Optional.of(model.getSchema(type)));
    }

    /**
     * Reads into {@code type} through a registry client shared with other serdes (its schema cache too), instead of
     * one of its own built at {@link #configure}.
     */
    public static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type, SchemaRegistryClient shared) {
        SpecificData model = SpecificData.getForClass(type);
        return new AvroDeserializer<>(model, Optional.of(model.getSchema(type)), shared);
    }

    /** Reads GenericRecords in each record's writer schema. */
    public static AvroDeserializer<GenericRecord> generic() {
        return new AvroDeserializer<>(GenericData.get(), Optional.empty());
    }

    /** Reads GenericRecords in {@code readerSchema}. */
    public static AvroDeserializer<GenericRecord> generic(Schema readerSchema) {
        return new AvroDeserializer<>(GenericData.get(), Optional.of(readerSchema));
    }

    @Override
    public void configure(Map<String, ?> properties, boolean isKey) {
        this.config = AvroSerdeConfig.from(properties);
        this.registry = shared != null ? shared : new SchemaRegistryClient(config.registry());
        this.isKey = isKey;
    }

    @Override
    public T deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("configure() the deserializer before use");
        }
        String where = (isKey ? "key" : "value") + " of topic " + topic;
        if (payload.length > config.maxPayloadBytes()) {
            throw new InvalidPayloadException(Reason.OVERSIZED, where + " is " + payload.length + " bytes, over "
                    + AvroSerdeConfig.MAX_PAYLOAD_BYTES + " = " + config.maxPayloadBytes());
        }
        int schemaId = WireFormat.schemaId(payload, where);
        where += ", schema id " + schemaId;
        DatumReader<T> reader = readerFor(schemaId, where);
        BoundedDecoder decoder = new BoundedDecoder(payload, WireFormat.HEADER_BYTES, where);
        try {
            T datum = reader.read(null, decoder);
            if (decoder.remaining() > 0) {
                throw new InvalidPayloadException(Reason.CORRUPT, decoder.remaining() + " bytes follow the record in "
                        + where);
            }
            return datum;
        } catch (InvalidPayloadException e) {
            throw e;
        } catch (EOFException e) {
            throw new InvalidPayloadException(Reason.TRUNCATED, where + " ends inside the record", e);
        } catch (IOException | RuntimeException e) {
            throw new InvalidPayloadException(Reason.CORRUPT, where + " is not a valid record: " + e, e);
        }
    }

    private DatumReader<T> readerFor(int schemaId, String where) {
        DatumReader<T> cached = readersByWriterId.get(schemaId);
        if (cached != null) {
            return cached;
        }
        Schema writer = writerSchema(schemaId, where);
        Schema reader = readerSchema.orElse(writer);
        SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() == SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE) {
            throw new InvalidPayloadException(Reason.INCOMPATIBLE_SCHEMA, "the writer schema of " + where + " ("
                    + writer.getFullName() + ") cannot be read as " + reader.getFullName() + ": "
                    + compatibility.getResult().getIncompatibilities().stream()
                    .map(i -> i.getMessage() + " at " + i.getLocation()).collect(Collectors.joining("; ")));
        }
        DatumReader<T> created = datumReader(writer, reader);
        readersByWriterId.put(schemaId, created);
        return created;
    }

    private Schema writerSchema(int schemaId, String where) {
        try {
            return registry.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new InvalidPayloadException(Reason.UNKNOWN_SCHEMA_ID, where + " is not in the registry: "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private DatumReader<T> datumReader(Schema writer, Schema reader) {
        return (DatumReader<T>) model.createDatumReader(writer, reader);
    }
}
