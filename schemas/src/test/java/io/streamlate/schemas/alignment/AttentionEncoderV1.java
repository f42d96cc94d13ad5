package io.streamlate.schemas.alignment;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * Encodes into format v1 of schemas/README.md (8-bit levels, zlib). The service writes v2 with
 * {@link AttentionEncoder}; this one stays to measure v2 against and to produce the v1 payloads that records
 * already on the topics hold. Thread-safe.
 */
public final class AttentionEncoderV1 {

    private final KeepPolicy policy;
    private final RowQuantiser quantiser;

    public AttentionEncoderV1(KeepPolicy policy) {
        this.policy = policy;
        this.quantiser = new RowQuantiser(policy);
    }

    /** @throws IllegalArgumentException as {@link AttentionEncoder#encode} does */
    public byte[] encode(float[][] matrix) {
        byte[] body = body(matrix);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
        out.write(AttentionFormat.VERSION_1);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(body);
            deflater.finish();
            byte[] buffer = new byte[Math.max(64, body.length)];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    /** The uncompressed body: header varints, then each row's kept columns and levels. */
    byte[] body(float[][] matrix) {
        int columns = MatrixShape.validatedColumns(matrix);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + matrix.length * 8);
        Leb128.write(out, matrix.length);
        Leb128.write(out, columns);
        Leb128.write(out, policy.massPermille());
        Leb128.write(out, policy.maxKept());
        if (columns == 0) {
            return out.toByteArray();
        }
        for (float[] row : matrix) {
            QuantisedRow kept = quantiser.quantise(row);
            Leb128.write(out, kept.columns().length);
            int previous = -1;
            for (int column : kept.columns()) {
                Leb128.write(out, column - previous - 1);
                previous = column;
            }
            for (int level : kept.levels()) {
                out.write(level);
            }
        }
        return out.toByteArray();
    }
}
