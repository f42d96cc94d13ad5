package io.streamlate.schemas.alignment;

import java.util.List;

/**
 * One row of format v2's table of starting probabilities (schemas/README.md, "Starting probabilities").
 *
 * @param name          the row's name in the README: {@code shift}, {@code residual}, {@code flag} or
 *                      {@code level[0..2]}
 * @param probabilities each one the chance of a 0 bit in 2048ths, in the README's order
 */
public record StartingProbabilities(String name, List<Integer> probabilities) {

    public StartingProbabilities {
        probabilities = List.copyOf(probabilities);
    }
}
