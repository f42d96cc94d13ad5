package io.streamlate.topology.processing;

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

/**
 * The pending store's value format: a version byte, the record coordinates and the key and value bytes as read;
 * nothing else. A restored entry is decoded again from those bytes, through the same deserializer and validation
 * as a new record, so the store never depends on the SentenceEvent schema and a deployment that evolves it needs
 * no migration. Versions 1 and 2 (which also stored a re-encoded event) are still read: their event is ignored.
 * No registry is involved in the format itself: the store is the service's private state.
 */
public final class PendingInputSerde {

    static final int VERSION = 3;
    private static final int VERSION_1 = 1;
    private static final int VERSION_2 = 2;

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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + input.value().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(input.topic());
            out.writeInt(input.partition());
            out.writeLong(input.offset());
            out.writeLong(input.timestamp());
            out.writeLong(input.receivedAtMs());
            writeBytes(out, input.key());
            writeBytes(out, input.value());
        } catch (IOException e) {
            throw new SerializationException("cannot write pending input at offset " + input.offset(), e);
        }
        return bytes.toByteArray();
    }

    /** @return the entry, undecoded */
    static PendingInput read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION && version != VERSION_2 && version != VERSION_1) {
                throw new SerializationException("pending input format " + version + " is not supported; this"
                        + " code reads " + VERSION_1 + " to " + VERSION);
            }
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            long receivedAt = in.readLong();
            if (version == VERSION_1) {
                in.readUTF(); // the target language, decided again when the entry is decoded
            }
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            return PendingInput.undecoded(key, value, topic, partition, offset, timestamp, receivedAt);
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
