package io.streamlate.schemas.alignment;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Builds and opens payloads by hand, to craft the malformed ones no encoder would write. */
final class Payloads {

    private Payloads() {
    }

    /** A version byte followed by the zlib stream of {@code body}. */
    static byte[] of(int version, byte[] body) {
        Deflater deflater = new Deflater();
        deflater.setInput(body);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(version);
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** Varints, as the body spells them. */
    static byte[] body(int... varints) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int value : varints) {
            Leb128.write(out, value);
        }
        return out.toByteArray();
    }

    static byte[] inflate(byte[] payload) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(payload, 1, payload.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                out.write(buffer, 0, inflater.inflate(buffer));
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new AssertionError(e);
        } finally {
            inflater.end();
        }
    }
}
