package io.streamlate.schemas.alignment;

/** Constants of the compressed attention format, shared by encoder and decoder; see schemas/README.md. */
public final class AttentionFormat {

    /** The first byte of every payload; bump it for any change an older decoder would misread. */
    public static final int VERSION = 1;

    /** Kept weights are stored as {@code level / LEVELS}, level in 0..255. */
    static final int LEVELS = 255;

    /**
     * Largest matrix (rows x columns, a zero-column matrix counting one per row) either side accepts: far above
     * any sentence pair, low enough that a hostile header cannot make the decoder allocate gigabytes.
     */
    public static final int MAX_CELLS = 1 << 20;

    /** Largest inflated body the decoder accepts; a legal body for {@link #MAX_CELLS} cells stays below it. */
    static final int MAX_BODY_BYTES = 8 << 20;

    private AttentionFormat() {
    }
}
