package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttentionDecoderV1ErrorsTest {

    private static final byte[] EXAMPLE = HexFormat.of().parseHex(ReadmeExample.V1_PAYLOAD_HEX);

    @Test
    void emptyOrNullPayloadIsTruncated() {
        assertReason(new byte[0], Reason.TRUNCATED, "empty");
        assertReason(null, Reason.TRUNCATED, "empty");
    }

    @Test
    void unknownVersionsAreRejectedBeforeAnythingElseIsRead() {
        for (int version : new int[] {0, 3, 0x78, 255}) {
            byte[] payload = EXAMPLE.clone();
            payload[0] = (byte) version;

            assertReason(payload, Reason.UNSUPPORTED_VERSION, "version " + version + " is not supported");
        }
    }

    @Test
    void everyProperPrefixIsTruncated() {
        for (int length = 1; length < EXAMPLE.length; length++) {
            assertReason(Arrays.copyOf(EXAMPLE, length), Reason.TRUNCATED, "");
        }
    }

    @Test
    void noSingleBitFlipChangesTheMatrixSilently() {
        for (int bit = 0; bit < EXAMPLE.length * 8; bit++) {
            byte[] payload = EXAMPLE.clone();
            payload[bit / 8] ^= (byte) (1 << (bit % 8));

            // DEFLATE ignores the padding bits after its last block, so a flip there decodes unchanged;
            // everywhere else the zlib header check or Adler-32 catches it.
            try {
                assertThat(AttentionDecoder.decode(payload)).as("flipped bit %d", bit)
                        .isDeepEqualTo(ReadmeExample.V1_DECODED);
            } catch (InvalidPayloadException detected) {
                // the outcome we want for every other bit
            }
        }
    }

    @Test
    void bytesAfterTheZlibStreamAreCorrupt() {
        byte[] payload = Arrays.copyOf(EXAMPLE, EXAMPLE.length + 1);

        assertReason(payload, Reason.CORRUPT, "follow the zlib stream");
    }

    @Test
    void bytesAfterTheLastRowAreCorrupt() {
        byte[] body = Arrays.copyOf(HexFormat.of().parseHex(ReadmeExample.V1_BODY_HEX),
                ReadmeExample.V1_BODY_HEX.length() / 2 + 1);

        assertReason(Payloads.of(1, body), Reason.CORRUPT, "1 bytes follow the last row");
    }

    @Test
    void aBodyEndingInsideItsStructureIsTruncated() {
        byte[] body = HexFormat.of().parseHex(ReadmeExample.V1_BODY_HEX);
        for (int length = 0; length < body.length; length++) {
            byte[] prefix = Arrays.copyOf(body, length);

            assertReason(Payloads.of(1, prefix), Reason.TRUNCATED, "");
        }
    }

    @Test
    void headersThatWouldAllocateTooMuchAreCorrupt() {
        assertReason(Payloads.of(1, Payloads.body(Integer.MAX_VALUE, Integer.MAX_VALUE, 980, 16)),
                Reason.CORRUPT, "exceeds");
        assertReason(Payloads.of(1, Payloads.body(Integer.MAX_VALUE, 0, 980, 16)), Reason.CORRUPT, "exceeds");
    }

    @Test
    void outOfRangeKeepParametersAreCorrupt() {
        assertReason(Payloads.of(1, Payloads.body(0, 0, 0, 16)), Reason.CORRUPT, "keep parameters");
        assertReason(Payloads.of(1, Payloads.body(0, 0, 1001, 16)), Reason.CORRUPT, "keep parameters");
        assertReason(Payloads.of(1, Payloads.body(0, 0, 980, 0)), Reason.CORRUPT, "keep parameters");
    }

    @Test
    void rowsKeepingNothingOrTooMuchAreCorrupt() {
        assertReason(Payloads.of(1, Payloads.body(1, 3, 980, 16, 0)), Reason.CORRUPT, "row 0 keeps 0 weights");
        assertReason(Payloads.of(1, Payloads.body(1, 3, 980, 16, 4)), Reason.CORRUPT, "expected 1..3");
        assertReason(Payloads.of(1, Payloads.body(1, 3, 980, 2, 3)), Reason.CORRUPT, "expected 1..2");
    }

    @Test
    void columnsPastTheLastOneAreCorrupt() {
        assertReason(Payloads.of(1, Payloads.body(1, 3, 980, 16, 2, 1, 1, 200, 55)), Reason.CORRUPT,
                "names column 3 of 3");
        assertReason(Payloads.of(1, Payloads.body(1, 3, 980, 16, 2, 0, Integer.MAX_VALUE, 200, 55)),
                Reason.CORRUPT, "names column");
    }

    @Test
    void varintsLongerThanAnIntAreCorrupt() {
        byte[] overlong = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};

        assertReason(Payloads.of(1, overlong), Reason.CORRUPT, "the row count is not a varint below 2^31");
        assertReason(Payloads.of(1, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}),
                Reason.CORRUPT, "below 2^31");
    }

    @Test
    void decompressionBombsAreCorrupt() {
        byte[] body = new byte[AttentionFormat.MAX_BODY_BYTES + 1];

        assertReason(Payloads.of(1, body), Reason.CORRUPT, "inflates beyond");
    }

    private static void assertReason(byte[] payload, Reason reason, String message) {
        assertThatThrownBy(() -> AttentionDecoder.decode(payload))
                .isInstanceOfSatisfying(InvalidPayloadException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }
}
