package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;

/**
 * Decodes the compressed attention format of schemas/README.md, versions 1 and 2. Dropped weights come back as 0
 * and rows are not renormalised, so a row sums to its kept mass: what was lost stays visible. Thread-safe.
 */
public final class AttentionDecoder {

    private AttentionDecoder() {
    }

    /** @throws InvalidPayloadException for an unknown version, truncated or corrupt bytes */
    public static float[][] decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new InvalidPayloadException(Reason.TRUNCATED, "attention payload is empty");
        }
        int version = payload[0] & 0xFF;
        return switch (version) {
            case AttentionFormat.VERSION_1 -> V1Decoder.decode(payload);
            case AttentionFormat.VERSION -> V2Decoder.decode(payload);
            default -> throw new InvalidPayloadException(Reason.UNSUPPORTED_VERSION, "attention codec version "
                    + version + " is not supported; this decoder reads versions " + AttentionFormat.VERSION_1
                    + " to " + AttentionFormat.VERSION);
        };
    }
}
