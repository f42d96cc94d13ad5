package io.streamlate.schemas.alignment;

/** Constants of the compressed attention format, shared by encoder and decoder; see schemas/README.md. */
public final class AttentionFormat {

    /**
     * The version {@link AttentionEncoder} writes, the first byte of its payloads; bump it for any change an older
     * decoder would misread. {@link AttentionDecoder} reads this one and every earlier one.
     */
    public static final int VERSION = 2;

    /** The first format: 8-bit levels of the kept weights, zlib-compressed. */
    public static final int VERSION_1 = 1;

    /** Weights are stored in multiples of {@code 1 / LEVELS} (v1) or {@code 2 / LEVELS} (v2). */
    static final int LEVELS = 255;

    /** The largest v2 level: 127 stands for 254/255, within 1/255 of a weight of 1. */
    static final int MAX_LEVEL = 127;

    /**
     * Largest matrix (rows x columns, a zero-column matrix counting one per row) either side accepts: far above
     * any sentence pair, low enough that a hostile header cannot make the decoder allocate gigabytes.
     */
    public static final int MAX_CELLS = 1 << 20;

    /** Largest inflated v1 body the decoder accepts; a legal body for {@link #MAX_CELLS} cells stays below it. */
    static final int MAX_BODY_BYTES = 8 << 20;

    private AttentionFormat() {
    }
}
