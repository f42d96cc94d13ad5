package io.streamlate.schemas.alignment;

/**
 * One row as format v2 stores it.
 *
 * @param argmax the column of the largest weight, the first one on ties
 * @param levels per column, the weight is {@code 2 * level / 255}; 0 for every dropped column; none above
 *               {@code levels[argmax]}
 */
record RowLevels(int argmax, int[] levels) {
}
