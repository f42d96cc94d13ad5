package io.streamlate.schemas.serde;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An Avro binary decoder that checks every length and item count against the bytes left before anything is
 * allocated. Avro's own decoder trusts them: a corrupt string length of 2^30 allocates a gigabyte before it finds
 * the data missing (an OutOfMemoryError), and a corrupt array count does the same through the array's capacity.
 * Here a length beyond the end is {@link Reason#TRUNCATED} and an item count above the bytes left is
 * {@link Reason#CORRUPT}. That last check would reject an array of more zero-byte items (nulls, empty records) than
 * the bytes that follow it; no schema here has such arrays.
 */
final class BoundedDecoder extends Decoder {

    private final ByteArrayInputStream bytes;
    private final Decoder in;
    private final String where;

    BoundedDecoder(byte[] payload, int offset, String where) {
        this.bytes = new ByteArrayInputStream(payload, offset, payload.length - offset);
        // the direct decoder does not read ahead, so the stream's available() is exactly what is left
        this.in = DecoderFactory.get().directBinaryDecoder(bytes, null);
        this.where = where;
    }

    /** Bytes not yet consumed. */
    int remaining() {
        return bytes.available();
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length("string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        byte[] result = new byte[length("bytes")];
        in.readFixed(result, 0, result.length);
        return ByteBuffer.wrap(result);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length("bytes"));
    }

    @Override
    public void readFixed(byte[] target, int start, int length) throws IOException {
        in.readFixed(target, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return items(in.readArrayStart());
    }

    @Override
    public long arrayNext() throws IOException {
        return items(in.arrayNext());
    }

    @Override
    public long skipArray() throws IOException {
        return items(in.skipArray());
    }

    @Override
    public long readMapStart() throws IOException {
        return items(in.readMapStart());
    }

    @Override
    public long mapNext() throws IOException {
        return items(in.mapNext());
    }

    @Override
    public long skipMap() throws IOException {
        return items(in.skipMap());
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }

    private int length(String type) throws IOException {
        long length = in.readLong();
        if (length < 0) {
            throw new InvalidPayloadException(Reason.CORRUPT, type + " of negative length " + length + " in "
                    + where);
        }
        if (length > remaining()) {
            throw new InvalidPayloadException(Reason.TRUNCATED, type + " of " + length + " bytes but " + remaining()
                    + " bytes left in " + where);
        }
        return (int) length;
    }

    private long items(long count) {
        if (count > remaining()) {
            throw new InvalidPayloadException(Reason.CORRUPT, "block of " + count + " items but " + remaining()
                    + " bytes left in " + where);
        }
        return count;
    }
}
