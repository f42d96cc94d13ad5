package io.streamlate.schemas.alignment;

/** The worked examples of schemas/README.md, one matrix in both formats; tests pin the README's hex to the code. */
final class ReadmeExample {

    /** Row 0 drops its 0.01 under the 98% policy; row 1's column 0 rounds to the argmax's level. */
    static final float[][] MATRIX = {{0.9f, 0.09f, 0.01f}, {0.3984f, 0.3996f, 0.2020f}};
    /** The policy the README's examples are written with (version 1 writes it into the payload). */
    static final KeepPolicy POLICY = new KeepPolicy(980, 16);

    static final String V1_BODY_HEX = "0203d40710020000e61703000000656634";

    /** As Java's Deflater level 9 wrote it; other zlib builds may compress differently but must decode it. */
    static final String V1_PAYLOAD_HEX = "0178da6362bec22ec0c4c0f04c9c9981812135cd0400192b02f2";

    static final float[][] V1_DECODED = {{230 / 255f, 23 / 255f, 0f}, {101 / 255f, 102 / 255f, 52 / 255f}};

    /** The range coder is deterministic: every conforming encoder writes exactly these bytes. */
    static final String V2_PAYLOAD_HEX = "02020343fa6a20fc9ac0";

    static final float[][] V2_DECODED = {{230 / 255f, 22 / 255f, 0f},
            {Math.nextDown(102 / 255f), 102 / 255f, 52 / 255f}};

    private ReadmeExample() {
    }
}
