package io.streamlate.schemas.alignment;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContextBitCounterTest {

    private static final int HALF = 1024;

    @Test
    void countsTheBitsOfARowWhoseArgmaxIsWhereExpected() {
        ContextBitCounter counter = new ContextBitCounter(KeepPolicy.DEFAULT);
        // shift 0 (zero bit 0); column 1, right, distance 1, no neighbour: flag[0] = 0; residual 0 (zero bit 0)
        counter.add(new float[][] {{1f, 0f}});

        List<StartingProbabilities> table = counter.table();

        int oneZeroOfOne = ContextBitCounter.probability(1, 0);
        assertThat(oneZeroOfOne).isEqualTo(1365);
        assertThat(table).isEqualTo(expected(oneZeroOfOne, new int[] {0, 0}, new int[] {1, 0}, new int[] {2, 0}));
    }

    @Test
    void countsASignAndAPrefixBitForAShiftedArgmax() {
        ContextBitCounter counter = new ContextBitCounter(KeepPolicy.DEFAULT);
        // shift +1: zero bit 1, sign bit 0, unsigned 0 (prefix[0] bit 0); column 0, left, distance 1: flag[6] = 0
        counter.add(new float[][] {{0f, 1f}});

        List<List<Integer>> rows = counter.table().stream().map(StartingProbabilities::probabilities).toList();

        assertThat(rows.get(0).subList(0, 3)).containsExactly(ContextBitCounter.probability(0, 1),
                ContextBitCounter.probability(1, 0), ContextBitCounter.probability(1, 0));
        assertThat(rows.get(2).get(6)).isEqualTo(ContextBitCounter.probability(1, 0));
        assertThat(rows.get(2).get(0)).isEqualTo(HALF);
    }

    @Test
    void aDiagonalCodesOnlyZeroBitsInTheContextsItUses() {
        // Every argmax one column right of the last (shift 0), every other weight 0, every argmax level 127 as
        // predicted (residual 0): only zero bits, in shift.zero, residual.zero and the flags of both sides with
        // z = 0 at distance 1 and z = 1 beyond; no level is coded.
        float[][] diagonal = new float[8][8];
        for (int r = 0; r < diagonal.length; r++) {
            diagonal[r][r] = 1f;
        }
        ContextBitCounter counter = new ContextBitCounter(KeepPolicy.DEFAULT);
        Collections.nCopies(3000, diagonal).forEach(counter::add);

        assertThat(counter.table()).isEqualTo(expected(ContextBitCounter.MAX_PROBABILITY, new int[] {0, 0},
                new int[] {1, 0}, new int[] {2, 0}, new int[] {2, 3}, new int[] {2, 5}, new int[] {2, 6},
                new int[] {2, 9}, new int[] {2, 11}));
    }

    @Test
    void roundsHalvesToEvenAndClamps() {
        assertThat(ContextBitCounter.probability(2048, 2046)).isEqualTo(1024); // 2048 * 2049 / 4096 = 1024.5
        assertThat(ContextBitCounter.probability(2050, 2046)).isEqualTo(1025); // 1025.0
        assertThat(ContextBitCounter.probability(0, 1_000_000)).isEqualTo(ContextBitCounter.MIN_PROBABILITY);
        assertThat(ContextBitCounter.probability(1_000_000, 0)).isEqualTo(ContextBitCounter.MAX_PROBABILITY);
        assertThat(ContextBitCounter.probability(0, 0)).isEqualTo(HALF);
    }

    @Test
    void refusesAMatrixTheEncoderRefuses() {
        ContextBitCounter counter = new ContextBitCounter(KeepPolicy.DEFAULT);

        assertThatThrownBy(() -> counter.add(new float[][] {{0.5f, 2f}})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0][1]");
    }

    @Test
    void formatTableIsTheReadmeTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<StartingProbabilities> fromReadme = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^(shift|residual|flag|level\\[[0-2]]) +([0-9 ]+)$").matcher(readme);
        while (row.find()) {
            List<Integer> values = Pattern.compile(" +").splitAsStream(row.group(2).trim()).map(Integer::valueOf)
                    .toList();
            fromReadme.add(new StartingProbabilities(row.group(1), values));
        }

        assertThat(fromReadme).isEqualTo(ContextBitCounter.formatTable());
    }

    private static List<StartingProbabilities> uniform() {
        return new ContextBitCounter(KeepPolicy.DEFAULT).table();
    }

    /** The all-1/2 table with {@code probability} at each {row, index}. */
    private static List<StartingProbabilities> expected(int probability, int[]... cells) {
        List<StartingProbabilities> table = new ArrayList<>();
        for (StartingProbabilities row : uniform()) {
            table.add(row);
        }
        for (int[] cell : cells) {
            List<Integer> values = new ArrayList<>(table.get(cell[0]).probabilities());
            values.set(cell[1], probability);
            table.set(cell[0], new StartingProbabilities(table.get(cell[0]).name(), values));
        }
        return table;
    }
}
