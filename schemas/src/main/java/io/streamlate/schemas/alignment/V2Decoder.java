package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;

import java.nio.ByteBuffer;

/** Decodes format v2 of schemas/README.md; the version byte is already checked. */
final class V2Decoder {

    private V2Decoder() {
    }

    static float[][] decode(byte[] payload) {
        ByteBuffer header = ByteBuffer.wrap(payload, 1, payload.length - 1);
        int rows = Leb128.read(header, "the row count");
        int columns = Leb128.read(header, "the column count");
        if ((long) rows * Math.max(columns, 1) > AttentionFormat.MAX_CELLS) {
            throw new InvalidPayloadException(Reason.CORRUPT, rows + " x " + columns + " exceeds "
                    + AttentionFormat.MAX_CELLS + " cells");
        }
        float[][] matrix = new float[rows][columns];
        if (rows == 0 || columns == 0) {
            if (header.hasRemaining()) {
                throw new InvalidPayloadException(Reason.CORRUPT, header.remaining()
                        + " bytes follow the header of an empty matrix");
            }
            return matrix;
        }
        RangeDecoder decoder = new RangeDecoder(payload, header.position());
        RowReader reader = new RowReader(decoder);
        for (int r = 0; r < rows; r++) {
            reader.read(r, matrix[r]);
        }
        decoder.finish();
        return matrix;
    }
}
