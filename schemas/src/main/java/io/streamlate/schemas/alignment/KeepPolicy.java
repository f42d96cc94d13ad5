package io.streamlate.schemas.alignment;

/**
 * Which weights of an attention row the encoder keeps: the fewest largest weights whose mass reaches
 * {@code massPermille / 1000} of the row's mass, but never more than {@code maxKept}. The argmax is always kept.
 *
 * @param massPermille share of each row's mass to keep, in thousandths (1..1000); 1000 keeps every non-zero weight
 * @param maxKept      most weights kept per row (>= 1); bounds the size of flat rows, at the cost of more dropped mass
 */
public record KeepPolicy(int massPermille, int maxKept) {

    /**
     * 95% of the mass, at most 8 weights per row: 16.3x smaller than float32 in format v2 on the default model's
     * test set, dropped weights up to 0.061 (bench/results/alignment-codec-v2-2026-11-21.md has the sweep; 1000/1000
     * keeps every weight within 1/255 at 13.9x).
     */
    public static final KeepPolicy DEFAULT = new KeepPolicy(950, 8);

    public KeepPolicy {
        if (massPermille < 1 || massPermille > 1000) {
            throw new IllegalArgumentException("massPermille must be in 1..1000, got " + massPermille);
        }
        if (maxKept < 1) {
            throw new IllegalArgumentException("maxKept must be >= 1, got " + maxKept);
        }
    }
}
