package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Decodes format v1 of schemas/README.md; the version byte is already checked. */
final class V1Decoder {

    private V1Decoder() {
    }

    static float[][] decode(byte[] payload) {
        ByteBuffer body = ByteBuffer.wrap(inflate(payload));
        float[][] matrix = readBody(body);
        if (body.hasRemaining()) {
            throw new InvalidPayloadException(Reason.CORRUPT, body.remaining() + " bytes follow the last row");
        }
        return matrix;
    }

    private static byte[] inflate(byte[] payload) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(payload, 1, payload.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 4);
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0) {
                    if (inflater.needsInput()) {
                        throw new InvalidPayloadException(Reason.TRUNCATED, "zlib stream ends early");
                    }
                    // needs a preset dictionary, or makes no progress: either way not a stream we wrote
                    throw new InvalidPayloadException(Reason.CORRUPT, "zlib stream cannot be inflated");
                }
                if (out.size() + n > AttentionFormat.MAX_BODY_BYTES) {
                    throw new InvalidPayloadException(Reason.CORRUPT, "body inflates beyond "
                            + AttentionFormat.MAX_BODY_BYTES + " bytes");
                }
                out.write(buffer, 0, n);
            }
            if (inflater.getRemaining() > 0) {
                throw new InvalidPayloadException(Reason.CORRUPT, inflater.getRemaining()
                        + " bytes follow the zlib stream");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new InvalidPayloadException(Reason.CORRUPT, "zlib stream is invalid: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static float[][] readBody(ByteBuffer body) {
        int rows = Leb128.read(body, "the row count");
        int columns = Leb128.read(body, "the column count");
        int massPermille = Leb128.read(body, "the mass permille");
        int maxKept = Leb128.read(body, "the max kept");
        if ((long) rows * Math.max(columns, 1) > AttentionFormat.MAX_CELLS) {
            throw new InvalidPayloadException(Reason.CORRUPT, rows + " x " + columns + " exceeds "
                    + AttentionFormat.MAX_CELLS + " cells");
        }
        if (massPermille < 1 || massPermille > 1000 || maxKept < 1) {
            throw new InvalidPayloadException(Reason.CORRUPT, "keep parameters " + massPermille + "‰, max "
                    + maxKept + " are out of range");
        }
        float[][] matrix = new float[rows][columns];
        if (columns == 0) {
            return matrix;
        }
        int keptLimit = Math.min(columns, maxKept);
        int[] kept = new int[keptLimit];
        for (int r = 0; r < rows; r++) {
            int count = Leb128.read(body, "a kept count");
            if (count < 1 || count > keptLimit) {
                throw new InvalidPayloadException(Reason.CORRUPT, "row " + r + " keeps " + count
                        + " weights, expected 1.." + keptLimit);
            }
            long column = -1;
            for (int i = 0; i < count; i++) {
                column += Leb128.read(body, "a column gap") + 1L;
                if (column >= columns) {
                    throw new InvalidPayloadException(Reason.CORRUPT, "row " + r + " names column " + column
                            + " of " + columns);
                }
                kept[i] = (int) column;
            }
            if (body.remaining() < count) {
                throw new InvalidPayloadException(Reason.TRUNCATED, "body ends inside the levels of row " + r);
            }
            for (int i = 0; i < count; i++) {
                matrix[r][kept[i]] = (body.get() & 0xFF) / (float) AttentionFormat.LEVELS;
            }
        }
        return matrix;
    }
}
