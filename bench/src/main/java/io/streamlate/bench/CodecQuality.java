package io.streamlate.bench;

import java.util.List;

/**
 * Size and loss of the attention codec over a set of matrices. A weight counts as kept when it decodes
 * non-zero, so the rare kept weight below 1/510 (stored as level 0) is counted with the dropped ones.
 *
 * @param matrices          matrices encoded
 * @param targetTokens      rows over all matrices
 * @param encodedBytes      total payload bytes
 * @param float32Bytes      total bytes as raw float32 (4 per weight)
 * @param keptMaxError      largest |decoded - original| over kept weights
 * @param keptMeanError     mean |decoded - original| over kept weights
 * @param overallMaxError   largest |decoded - original| over all weights
 * @param overallMeanError  mean |decoded - original| over all weights
 * @param argmaxSurvival    share of rows whose decoded argmax equals the original (first index on ties)
 */
record CodecQuality(int matrices, long targetTokens, long encodedBytes, long float32Bytes, double keptMaxError,
                    double keptMeanError, double overallMaxError, double overallMeanError, double argmaxSurvival) {

    static CodecQuality measure(List<float[][]> originals, List<float[][]> decoded, List<byte[]> payloads) {
        long rows = 0;
        long survived = 0;
        long weights = 0;
        long kept = 0;
        double keptMax = 0;
        double keptSum = 0;
        double overallMax = 0;
        double overallSum = 0;
        for (int m = 0; m < originals.size(); m++) {
            float[][] original = originals.get(m);
            for (int r = 0; r < original.length; r++) {
                float[] before = original[r];
                float[] after = decoded.get(m)[r];
                rows++;
                if (argmax(before) == argmax(after)) {
                    survived++;
                }
                for (int c = 0; c < before.length; c++) {
                    double error = Math.abs(after[c] - before[c]);
                    weights++;
                    overallSum += error;
                    overallMax = Math.max(overallMax, error);
                    if (after[c] != 0f) {
                        kept++;
                        keptSum += error;
                        keptMax = Math.max(keptMax, error);
                    }
                }
            }
        }
        long encoded = payloads.stream().mapToLong(p -> p.length).sum();
        return new CodecQuality(originals.size(), rows, encoded, 4 * weights, keptMax,
                kept == 0 ? 0 : keptSum / kept, overallMax, weights == 0 ? 0 : overallSum / weights,
                rows == 0 ? 1 : (double) survived / rows);
    }

    double bytesPerTargetToken() {
        return (double) encodedBytes / targetTokens;
    }

    double ratioVsFloat32() {
        return (double) float32Bytes / encodedBytes;
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }
}
