package io.streamlate.schemas.alignment;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The adaptive probabilities of one format v2 matrix, fresh for each matrix and shared by all its rows
 * (schemas/README.md, "Rows"). Encoder and decoder start them from the same table and update them identically.
 */
final class RowContexts {

    /** Distances from the argmax are told apart up to this one; farther columns share its contexts. */
    static final int DISTANCES = 3;

    /*
     * Starting probabilities (of a 0 bit, in 2048ths): the frequency of each bit in the attention of the default
     * model on the first 1000 sentences of its dev set under keep policy 980/16, as ContextBitCounter estimates
     * it (bench's CodecTableTrainer regenerates it). They only decide the size; any attention decodes exactly
     * from any table, as long as both sides use this one.
     */
    private static final int[] ARGMAX_SHIFT = {885, 722, 1223, 1479, 1637, 1624, 1092, 1775, 1365, 1024};
    private static final int[] ARGMAX_RESIDUAL = {207, 31, 566, 1858, 1818, 1311, 1463, 1820, 1024, 1024};
    private static final int[] ZERO_FLAGS = {399, 1024, 677, 1642, 913, 1950, 466, 1024, 863, 1752, 880, 1913};
    private static final int[][] LEVELS = {
            {1024, 1024, 78, 349, 578, 852, 1347, 2017, 1024, 1024},
            {1024, 1024, 231, 594, 809, 1061, 1530, 2017, 1024, 1024},
            {1024, 1024, 549, 873, 1019, 1225, 1677, 2017, 1024, 1024}};

    /** The names of the table's rows in schemas/README.md, in the order of {@link #tables()}. */
    private static final List<String> NAMES = List.of("shift", "residual", "flag", "level[0]", "level[1]",
            "level[2]");

    final AdaptiveInteger argmaxShift = new AdaptiveInteger(ARGMAX_SHIFT);
    final AdaptiveInteger argmaxResidual = new AdaptiveInteger(ARGMAX_RESIDUAL);
    final int[] zeroFlags = ZERO_FLAGS.clone();
    private final AdaptiveInteger[] levels = new AdaptiveInteger[DISTANCES];

    RowContexts() {
        for (int i = 0; i < DISTANCES; i++) {
            levels[i] = new AdaptiveInteger(LEVELS[i]);
        }
    }

    /** Format v2's starting table, in the order and with the names of schemas/README.md. */
    static List<StartingProbabilities> startingTable() {
        List<int[]> rows = List.of(ARGMAX_SHIFT, ARGMAX_RESIDUAL, ZERO_FLAGS, LEVELS[0], LEVELS[1], LEVELS[2]);
        return named(rows);
    }

    /** The rows of {@link #startingTable()} given other probabilities, e.g. trained ones. */
    static List<StartingProbabilities> named(List<int[]> rows) {
        if (rows.size() != NAMES.size()) {
            throw new IllegalArgumentException("the table has " + NAMES.size() + " rows, got " + rows.size());
        }
        return IntStream.range(0, NAMES.size())
                .mapToObj(i -> new StartingProbabilities(NAMES.get(i),
                        Arrays.stream(rows.get(i)).boxed().toList()))
                .toList();
    }

    /** This matrix's live probabilities, in the order of {@link #startingTable()}. */
    List<int[]> tables() {
        return List.of(argmaxShift.probabilities(), argmaxResidual.probabilities(), zeroFlags,
                levels[0].probabilities(), levels[1].probabilities(), levels[2].probabilities());
    }

    /**
     * @param left          whether the column is left of the argmax
     * @param distance      |column - argmax|, at least 1
     * @param neighbourZero whether the column next to it on the argmax's side has level 0
     */
    static int zeroFlag(boolean left, int distance, boolean neighbourZero) {
        return ((left ? 1 : 0) * DISTANCES + Math.min(distance, DISTANCES) - 1) * 2 + (neighbourZero ? 1 : 0);
    }

    AdaptiveInteger level(int distance) {
        return levels[Math.min(distance, DISTANCES) - 1];
    }
}
