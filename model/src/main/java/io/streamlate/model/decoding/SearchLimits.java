package io.streamlate.model.decoding;

/**
 * How long a target may get: floor(maxLengthA * sourceLength + maxLengthB) tokens, EOS not counted
 * (decode.max_target_length).
 */
public record SearchLimits(double maxLengthA, int maxLengthB) {

    public int maxTargetLength(int sourceLength) {
        return (int) Math.floor(maxLengthA * sourceLength + maxLengthB);
    }
}
