package io.streamlate.schemas.serde;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;
import io.streamlate.schemas.LocalPeers;
import io.streamlate.schemas.SampleRecords;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every way a Kafka value can be undecodable ends in an {@link InvalidPayloadException} with its reason and the
 * topic (and schema id, once read) in the message: no hang, no OutOfMemoryError, no partial record.
 */
@ExtendWith(LocalPeers.class)
@Timeout(60)
class AvroDeserializerErrorsTest {

    private static final String TOPIC = "bad-input";
    /** A record with a string, an array and a union: enough to corrupt each kind of length and index. */
    private static final Schema PROBE = new Schema.Parser().parse("""
            {"type": "record", "name": "Probe", "namespace": "test", "fields": [
              {"name": "text", "type": "string"},
              {"name": "numbers", "type": {"type": "array", "items": "int"}},
              {"name": "note", "type": ["null", "string"]}
            ]}""");

    private static ApicurioRegistry registry;
    private static int probeId;

    @BeforeAll
    static void registerProbe(ApicurioRegistry apicurio) {
        registry = apicurio;
        probeId = new SchemaRegistryClient(RegistryConfig.from(LocalPeers.serdeProperties(apicurio, Map.of())))
                .register("probe-value", PROBE);
    }

    @Test
    void aWrongMagicByteIsRejectedBeforeTheRegistryIsAsked() {
        byte[] payload = {1, 0, 0, 0, 1, 2};

        assertRejected(probeReader(), payload, Reason.WRONG_MAGIC_BYTE, "value of topic bad-input starts with 0x01");
    }

    @Test
    void anEmptyOrHeaderShortPayloadIsTruncated() {
        assertRejected(probeReader(), new byte[0], Reason.TRUNCATED, "empty payload in value of topic bad-input");
        assertRejected(probeReader(), new byte[]{0, 0, 0}, Reason.TRUNCATED, "is 3 bytes, shorter than the 5-byte");
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownSchemaId() {
        byte[] payload = WireFormat.frame(876_543, new byte[]{2, 'a', 0, 0});

        assertRejected(probeReader(), payload, Reason.UNKNOWN_SCHEMA_ID,
                "value of topic bad-input, schema id 876543 is not in the registry");
    }

    @Test
    void aRecordCutShortIsTruncated() throws IOException {
        byte[] whole = probe(encoder -> {
            encoder.writeString("hello");
            encoder.writeArrayStart();
            encoder.setItemCount(2);
            encoder.startItem();
            encoder.writeInt(1);
            encoder.startItem();
            encoder.writeInt(2);
            encoder.writeArrayEnd();
            encoder.writeIndex(1);
            encoder.writeString("a note");
        });

        for (int cut : new int[]{1, 4, 9}) {
            assertRejected(probeReader(), Arrays.copyOf(whole, whole.length - cut), Reason.TRUNCATED,
                    "schema id " + probeId);
        }
    }

    @Test
    void aHugeStringLengthIsTruncatedWithoutAllocatingIt() throws IOException {
        byte[] payload = probe(encoder -> encoder.writeLong(1L << 30));

        assertRejected(probeReader(), payload, Reason.TRUNCATED, "string of 1073741824 bytes but 0 bytes left");
    }

    @Test
    void aHugeArrayCountIsCorruptWithoutAllocatingIt() throws IOException {
        byte[] payload = probe(encoder -> {
            encoder.writeString("x");
            encoder.writeLong(1L << 30);
        });

        assertRejected(probeReader(), payload, Reason.CORRUPT, "block of 1073741824 items but 0 bytes left");
    }

    @Test
    void aNegativeLengthAnOutOfRangeUnionIndexAndTrailingBytesAreCorrupt() throws IOException {
        byte[] negativeLength = probe(encoder -> encoder.writeLong(-3));
        byte[] badUnionIndex = probe(encoder -> {
            encoder.writeString("x");
            encoder.writeLong(0);
            encoder.writeIndex(7);
        });
        byte[] trailing = probe(encoder -> {
            encoder.writeString("x");
            encoder.writeLong(0);
            encoder.writeIndex(0);
            encoder.writeFixed(new byte[]{42, 42});
        });

        assertRejected(probeReader(), negativeLength, Reason.CORRUPT, "string of negative length -3");
        assertRejected(probeReader(), badUnionIndex, Reason.CORRUPT, "schema id " + probeId + " is not a valid record");
        assertRejected(probeReader(), trailing, Reason.CORRUPT, "2 bytes follow the record");
    }

    @Test
    void aWriterSchemaTheReaderCannotResolveIsIncompatible() throws IOException {
        byte[] payload = probe(encoder -> {
            encoder.writeString("x");
            encoder.writeLong(0);
            encoder.writeIndex(0);
        });
        Deserializer<SentenceEvent> reader = configured(AvroDeserializer.specific(SentenceEvent.class), Map.of());

        assertRejected(reader, payload, Reason.INCOMPATIBLE_SCHEMA, "schema id " + probeId + " (test.Probe) cannot be "
                + "read as io.streamlate.schemas.avro.SentenceEvent");
    }

    @Test
    void aPayloadOverTheConfiguredMaximumIsRejectedUnread() {
        Deserializer<SentenceEvent> reader = configured(AvroDeserializer.specific(SentenceEvent.class),
                Map.of(AvroSerdeConfig.MAX_PAYLOAD_BYTES, "64"));
        byte[] payload = new byte[65];

        assertRejected(reader, payload, Reason.OVERSIZED, "value of topic bad-input is 65 bytes, over "
                + "streamlate.serde.max.payload.bytes = 64");
    }

    @Test
    void aPayloadAtTheMaximumIsRead() {
        SentenceEvent sample = SampleRecords.sentenceEvent();
        try (SpecificAvroSerde<SentenceEvent> serde = new SpecificAvroSerde<>(SentenceEvent.class)) {
            serde.configure(LocalPeers.serdeProperties(registry, Map.of()), false);
            byte[] payload = serde.serializer().serialize(TOPIC, sample);
            serde.configure(LocalPeers.serdeProperties(registry, Map.of(AvroSerdeConfig.MAX_PAYLOAD_BYTES,
                    payload.length)), false);

            assertThat(serde.deserializer().deserialize(TOPIC, payload))
                    .isEqualTo(sample);
        }
    }

    private static Deserializer<?> probeReader() {
        return configured(AvroDeserializer.generic(), Map.of());
    }

    private static <T> Deserializer<T> configured(Deserializer<T> deserializer, Map<String, ?> overrides) {
        deserializer.configure(LocalPeers.serdeProperties(registry, overrides), false);
        return deserializer;
    }

    private static void assertRejected(Deserializer<?> reader, byte[] payload, Reason reason, String message) {
        assertThatThrownBy(() -> reader.deserialize(TOPIC, payload))
                .isInstanceOfSatisfying(InvalidPayloadException.class, e ->
                        assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

    private interface Body {
        void write(BinaryEncoder encoder) throws IOException;
    }

    /** A framed payload with the probe's id and whatever Avro bytes {@code body} writes. */
    private static byte[] probe(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        body.write(encoder);
        encoder.flush();
        return WireFormat.frame(probeId, out.toByteArray());
    }
}
