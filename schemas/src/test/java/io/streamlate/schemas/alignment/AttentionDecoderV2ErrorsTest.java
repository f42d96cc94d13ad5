package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttentionDecoderV2ErrorsTest {

    private static final byte[] EXAMPLE = HexFormat.of().parseHex(ReadmeExample.V2_PAYLOAD_HEX);

    /** A real-looking matrix long enough that its range-coded part spans many bytes. */
    private static final byte[] LONGER = new AttentionEncoder(KeepPolicy.DEFAULT)
            .encode(Matrices.softmaxRows(new Random(3), 12, 20, 0.3));

    @Test
    void everyProperPrefixIsTruncated() {
        for (byte[] payload : new byte[][] {EXAMPLE, LONGER}) {
            for (int length = 1; length < payload.length; length++) {
                assertReason(Arrays.copyOf(payload, length), Reason.TRUNCATED, "");
            }
        }
    }

    @Test
    void bytesAfterTheLastRowAreCorrupt() {
        assertReason(Arrays.copyOf(EXAMPLE, EXAMPLE.length + 1), Reason.CORRUPT, "1 bytes follow the last row");
        assertReason(HexFormat.of().parseHex("02000300"), Reason.CORRUPT, "1 bytes follow the header of an empty");
        assertReason(HexFormat.of().parseHex("02030000"), Reason.CORRUPT, "1 bytes follow the header of an empty");
    }

    @Test
    void emptyMatricesAreTheHeaderAlone() {
        assertThat(AttentionDecoder.decode(HexFormat.of().parseHex("020000"))).isEmpty();
        assertThat(AttentionDecoder.decode(HexFormat.of().parseHex("020300"))).hasDimensions(3, 0);
    }

    @Test
    void headersThatWouldAllocateTooMuchAreCorrupt() {
        assertReason(v2Header(Integer.MAX_VALUE, Integer.MAX_VALUE), Reason.CORRUPT, "exceeds");
        assertReason(v2Header(Integer.MAX_VALUE, 0), Reason.CORRUPT, "exceeds");
        assertReason(v2Header(1025, 1024), Reason.CORRUPT, "1025 x 1024 exceeds");
    }

    @Test
    void anArgmaxOutsideTheRowIsCorrupt() {
        assertReason(crafted(1, 3, (encoder, contexts) -> contexts.argmaxShift.encodeSigned(encoder, 3)),
                Reason.CORRUPT, "row 0 names argmax column 3 of 3");
        assertReason(crafted(1, 3, (encoder, contexts) -> contexts.argmaxShift.encodeSigned(encoder, -1)),
                Reason.CORRUPT, "row 0 names argmax column -1 of 3");
    }

    @Test
    void anArgmaxShiftLongerThanTheRowIsCorruptBeforeItIsRead() {
        assertReason(crafted(1, 3, (encoder, contexts) -> contexts.argmaxShift.encodeSigned(encoder, 1 << 20)),
                Reason.CORRUPT, "the argmax shift exceeds");
    }

    @Test
    void aLevelAboveTheArgmaxLevelIsCorrupt() {
        // argmax 0 and column 1 at level 50 predict the argmax at 128 - 50 = 78; a residual of -60 puts it at 18
        assertReason(crafted(1, 2, (encoder, contexts) -> {
            contexts.argmaxShift.encodeSigned(encoder, 0);
            encoder.encode(contexts.zeroFlags, RowContexts.zeroFlag(false, 1, false), 1);
            contexts.level(1).encodeUnsigned(encoder, 49);
            contexts.argmaxResidual.encodeSigned(encoder, -60);
        }), Reason.CORRUPT, "row 0 gives its argmax level 18, expected 50..127");
    }

    @Test
    void anArgmaxLevelAboveTheTopIsCorrupt() {
        assertReason(crafted(1, 1, (encoder, contexts) -> {
            contexts.argmaxShift.encodeSigned(encoder, 0);
            contexts.argmaxResidual.encodeSigned(encoder, 1);
        }), Reason.CORRUPT, "row 0 gives its argmax level 128, expected 0..127");
    }

    @Test
    void aLevelAboveTheTopIsCorrupt() {
        assertReason(crafted(1, 2, (encoder, contexts) -> {
            contexts.argmaxShift.encodeSigned(encoder, 0);
            encoder.encode(contexts.zeroFlags, RowContexts.zeroFlag(false, 1, false), 1);
            contexts.level(1).encodeUnsigned(encoder, 127);
        }), Reason.CORRUPT, "a level exceeds 126");
    }

    @Test
    void aStreamThatDoesNotEndWhereItsEncoderStoppedIsCorrupt() {
        byte[] payload = EXAMPLE.clone();
        payload[payload.length - 1] ^= 0x01;

        assertReason(payload, Reason.CORRUPT, "the range coder does not end where its encoder stops");
    }

    @Test
    void noBitFlipOrRandomPayloadEscapesAsAnotherExceptionOrHangs() {
        for (byte[] original : new byte[][] {EXAMPLE, LONGER}) {
            for (int bit = 8; bit < original.length * 8; bit++) {
                byte[] payload = original.clone();
                payload[bit / 8] ^= (byte) (1 << (bit % 8));
                assertDecodesOrIsInvalid(payload);
            }
        }
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[1 + random.nextInt(40)];
            random.nextBytes(payload);
            payload[0] = (byte) AttentionFormat.VERSION;
            assertDecodesOrIsInvalid(payload);
        }
    }

    private static void assertDecodesOrIsInvalid(byte[] payload) {
        try {
            float[][] matrix = AttentionDecoder.decode(payload);
            for (float[] row : matrix) {
                for (float weight : row) {
                    assertThat(weight).isBetween(0f, 1f);
                }
            }
        } catch (InvalidPayloadException expected) {
            assertThat(expected.reason()).isIn(Reason.TRUNCATED, Reason.CORRUPT);
        }
    }

    /** Writes the header, then lets {@code rows} code whatever symbols it likes with a matrix's fresh contexts. */
    private static byte[] crafted(int rows, int columns, RowSymbols symbols) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(AttentionFormat.VERSION);
        Leb128.write(out, rows);
        Leb128.write(out, columns);
        RangeEncoder encoder = new RangeEncoder(out);
        symbols.write(encoder, new RowContexts());
        encoder.finish();
        return out.toByteArray();
    }

    private static byte[] v2Header(int rows, int columns) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(AttentionFormat.VERSION);
        Leb128.write(out, rows);
        Leb128.write(out, columns);
        return out.toByteArray();
    }

    private interface RowSymbols {
        void write(RangeEncoder encoder, RowContexts contexts);
    }

    private static void assertReason(byte[] payload, Reason reason, String message) {
        assertThatThrownBy(() -> AttentionDecoder.decode(payload))
                .isInstanceOfSatisfying(InvalidPayloadException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }
}
