package io.streamlate.schemas.alignment;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains format v2's starting probabilities: codes matrices through the encoder's own {@link RowWriter} into a
 * sink that counts, per probability of the table, the zeros and ones it is asked to code, and estimates each
 * probability from them. {@link #formatTable()} is the table the format fixed, for comparison. Not thread-safe.
 */
public final class ContextBitCounter {

    /** LZMA's adaptation by 1/32 keeps every probability in 31..2017, so a start outside it is never needed. */
    static final int MIN_PROBABILITY = 31;
    static final int MAX_PROBABILITY = 2017;

    private final LevelQuantiser quantiser;
    private final List<long[]> zeros = new ArrayList<>();
    private final List<long[]> ones = new ArrayList<>();

    public ContextBitCounter(KeepPolicy policy) {
        this.quantiser = new LevelQuantiser(policy);
        for (int[] row : new RowContexts().tables()) {
            zeros.add(new long[row.length]);
            ones.add(new long[row.length]);
        }
    }

    /** The table format v2 starts every matrix from. */
    public static List<StartingProbabilities> formatTable() {
        return RowContexts.startingTable();
    }

    /**
     * Counts the context bits {@link AttentionEncoder} would code for {@code matrix} under this counter's policy.
     *
     * @throws IllegalArgumentException for a matrix the encoder refuses
     */
    public void add(float[][] matrix) {
        int columns = MatrixShape.validatedColumns(matrix);
        if (columns == 0) {
            return;
        }
        RowContexts contexts = new RowContexts();
        RowWriter rows = new RowWriter(new CountingSink(contexts.tables()), contexts);
        for (float[] row : matrix) {
            rows.write(quantiser.quantise(row));
        }
    }

    /** Each probability estimated from the bits counted so far; one never used starts at 1/2. */
    public List<StartingProbabilities> table() {
        List<int[]> rows = new ArrayList<>();
        for (int t = 0; t < zeros.size(); t++) {
            int[] row = new int[zeros.get(t).length];
            for (int i = 0; i < row.length; i++) {
                row[i] = probability(zeros.get(t)[i], ones.get(t)[i]);
            }
            rows.add(row);
        }
        return RowContexts.named(rows);
    }

    /**
     * The share of zeros with one more of each counted (so an unused probability is 1/2 and none is certain),
     * in 2048ths, rounded half to even (the rounding of the Python that first trained the table), clamped.
     */
    static int probability(long zeroCount, long oneCount) {
        double share = 2048.0 * (zeroCount + 1) / (zeroCount + oneCount + 2);
        return (int) Math.max(MIN_PROBABILITY, Math.min(MAX_PROBABILITY, Math.rint(share)));
    }

    /** Tells the contexts apart by which of the matrix's probability arrays a bit uses; leaves them unchanged. */
    private final class CountingSink implements BitSink {

        private final List<int[]> tables;

        CountingSink(List<int[]> tables) {
            this.tables = tables;
        }

        @Override
        public void encode(int[] probabilities, int index, int bit) {
            List<long[]> counts = bit == 0 ? zeros : ones;
            counts.get(tableOf(probabilities))[index]++;
        }

        @Override
        public void encodeDirect(int value, int count) {
            // direct bits have no probability to train
        }

        private int tableOf(int[] probabilities) {
            for (int t = 0; t < tables.size(); t++) {
                if (tables.get(t) == probabilities) {
                    return t;
                }
            }
            throw new IllegalStateException("a bit coded with probabilities outside the matrix's contexts");
        }
    }
}
