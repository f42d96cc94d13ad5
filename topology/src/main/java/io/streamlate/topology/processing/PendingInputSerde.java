package io.streamlate.topology.processing;

import io.streamlate.schemas.avro.SentenceEvent;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The pending store's value format: a version byte, the record coordinates, the key and value bytes as read, and
 * the event in Avro single-object encoding (schema fingerprint + binary). Version 2 adds a flag byte before the
 * event: 0 = undecoded (nothing follows), 1 = decoded (target language and event follow); version 1 entries (always
 * decoded: target language before the key) are still read. No registry is involved: the store is the
 * service's private state. A change of the SentenceEvent schema changes the fingerprint, so a deployment that
 * changes it must drain the pending stores first (or bump {@link #VERSION} with a migration).
 */
public final class PendingInputSerde {

    static final int VERSION = 2;
    private static final int VERSION_1 = 1;

    private PendingInputSerde() {
    }

    public static Serde<PendingInput> serde() {
        return Serdes.serdeFrom(serializer(), deserializer());
    }

    static Serializer<PendingInput> serializer() {
        return (topic, input) -> input == null ? null : write(input);
    }

    static Deserializer<PendingInput> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(PendingInput input) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + input.value().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(input.topic());
            out.writeInt(input.partition());
            out.writeLong(input.offset());
            out.writeLong(input.timestamp());
            out.writeLong(input.receivedAtMs());
            writeBytes(out, input.key());
            writeBytes(out, input.value());
            out.writeBoolean(input.decoded());
            if (input.decoded()) {
                out.writeUTF(input.targetLanguage());
                ByteBuffer event = SentenceEvent.getEncoder().encode(input.event());
                byte[] encoded = new byte[event.remaining()];
                event.get(encoded);
                writeBytes(out, encoded);
            }
        } catch (IOException e) {
            throw new SerializationException("cannot write pending input at offset " + input.offset(), e);
        }
        return bytes.toByteArray();
    }

    static PendingInput read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION && version != VERSION_1) {
                throw new SerializationException("pending input format " + version + " is not supported; this"
                        + " code reads " + VERSION_1 + " and " + VERSION);
            }
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            long receivedAt = in.readLong();
            String target = version == VERSION_1 ? in.readUTF() : null;
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            PendingInput undecoded = PendingInput.undecoded(key, value, topic, partition, offset, timestamp,
                    receivedAt);
            if (version == VERSION && !in.readBoolean()) {
                return undecoded;
            }
            if (version == VERSION) {
                target = in.readUTF();
            }
            return undecoded.withEvent(SentenceEvent.getDecoder().decode(readBytes(in)), target);
        } catch (IOException e) {
            throw new SerializationException("cannot read a pending input of " + bytes.length + " bytes", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value == null ? -1 : value.length);
        if (value != null) {
            out.write(value);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }
}
