package io.streamlate.schemas.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A Serde for GenericRecords in Confluent's wire format. Without a reader schema each record reads in its writer's
 * schema; with one, every record is resolved into it. The no-argument constructor lets Kafka Streams instantiate
 * it from {@code default.value.serde}.
 */
public final class GenericAvroSerde extends Serdes.WrapperSerde<GenericRecord> {

    public GenericAvroSerde() {
        super(new AvroSerializer<>(), AvroDeserializer.generic());
    }

    public GenericAvroSerde(Schema readerSchema) {
        super(new AvroSerializer<>(), AvroDeserializer.generic(readerSchema));
    }
}
