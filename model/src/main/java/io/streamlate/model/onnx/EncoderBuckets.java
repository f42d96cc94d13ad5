package io.streamlate.model.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which rows of a sub-batch the encoder runs together. The encoder's recurrence costs every padded position, so
 * one long source in a batch of short ones multiplies the encoder's work; rows sorted by length are cut into runs
 * whose padded size stays within {@value #SLACK} times their real tokens. The decoder steps still see one batch:
 * their cost per padded source position is a dot product, not a recurrence.
 */
final class EncoderBuckets {

    /** Padded tokens a run may cost per real token before the next, longer row starts a new run. */
    static final double SLACK = 1.25;

    private EncoderBuckets() {
    }

    /** @return runs of row indices, shortest sources first; one run (all rows, input order) when padding is cheap */
    static List<int[]> plan(int[] lengths) {
        int longest = 0;
        long tokens = 0;
        for (int length : lengths) {
            longest = Math.max(longest, length);
            tokens += length;
        }
        if ((long) longest * lengths.length <= SLACK * tokens) {
            return List.of(IntStream.range(0, lengths.length).toArray());
        }
        int[] order = IntStream.range(0, lengths.length).boxed()
                .sorted(Comparator.comparingInt(row -> lengths[row])).mapToInt(Integer::intValue).toArray();
        List<int[]> runs = new ArrayList<>();
        int start = 0;
        long runTokens = 0;
        for (int i = 0; i < order.length; i++) {
            int length = lengths[order[i]];
            boolean tooPadded = i > start && (long) length * (i - start + 1) > SLACK * (runTokens + length);
            if (tooPadded) {
                runs.add(Arrays.copyOfRange(order, start, i));
                start = i;
                runTokens = 0;
            }
            runTokens += length;
        }
        runs.add(Arrays.copyOfRange(order, start, order.length));
        return runs;
    }
}
