package io.streamlate.schemas.alignment;

/** The worked example of schemas/README.md; tests pin the README's hex to the code. */
final class ReadmeExample {

    /** Row 0 drops its 0.01 under the 98% policy; row 1's column 0 rounds up to the argmax's level and steps down. */
    static final float[][] MATRIX = {{0.9f, 0.09f, 0.01f}, {0.3984f, 0.3996f, 0.2020f}};

    static final String BODY_HEX = "0203d40710020000e61703000000656634";

    /** As Java's Deflater level 9 wrote it; other zlib builds may compress differently but must decode it. */
    static final String PAYLOAD_HEX = "0178da6362bec22ec0c4c0f04c9c9981812135cd0400192b02f2";

    static final float[][] DECODED = {{230 / 255f, 23 / 255f, 0f}, {101 / 255f, 102 / 255f, 52 / 255f}};

    private ReadmeExample() {
    }
}
