package io.streamlate.bench;

import io.streamlate.schemas.alignment.StartingProbabilities;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Format v2's table of starting probabilities written as schemas/README.md's table and as the constants of
 * schemas' RowContexts, so a retrained table can be pasted into either, and the cells where two tables differ.
 */
final class CodecTableText {

    /** RowContexts' constant for each README row before the levels, which share {@code LEVELS}. */
    private static final List<String> JAVA_NAMES = List.of("ARGMAX_SHIFT", "ARGMAX_RESIDUAL", "ZERO_FLAGS");

    private CodecTableText() {
    }

    static String readme(List<StartingProbabilities> table) {
        StringBuilder text = new StringBuilder();
        for (StartingProbabilities row : table) {
            text.append(String.format("%-8s", row.name()));
            row.probabilities().forEach(p -> text.append(String.format("%5d", p)));
            text.append('\n');
        }
        return text.toString();
    }

    static String java(List<StartingProbabilities> table) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < JAVA_NAMES.size(); i++) {
            text.append("    private static final int[] ").append(JAVA_NAMES.get(i)).append(" = ")
                    .append(braces(table.get(i))).append(";\n");
        }
        List<String> levels = table.subList(JAVA_NAMES.size(), table.size()).stream()
                .map(CodecTableText::braces).toList();
        text.append("    private static final int[][] LEVELS = {\n            ")
                .append(String.join(",\n            ", levels)).append("};\n");
        return text.toString();
    }

    /** @return {@code name[index] format -> trained} for every cell that differs, in table order */
    static List<String> differences(List<StartingProbabilities> format, List<StartingProbabilities> trained) {
        List<String> differences = new ArrayList<>();
        for (int r = 0; r < format.size(); r++) {
            List<Integer> expected = format.get(r).probabilities();
            List<Integer> actual = trained.get(r).probabilities();
            for (int i = 0; i < expected.size(); i++) {
                if (!expected.get(i).equals(actual.get(i))) {
                    differences.add(format.get(r).name() + "[" + i + "] " + expected.get(i) + " -> " + actual.get(i));
                }
            }
        }
        return differences;
    }

    static int cells(List<StartingProbabilities> table) {
        return table.stream().mapToInt(row -> row.probabilities().size()).sum();
    }

    private static String braces(StartingProbabilities row) {
        return row.probabilities().stream().map(String::valueOf).collect(Collectors.joining(", ", "{", "}"));
    }
}
