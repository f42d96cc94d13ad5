package io.streamlate.schemas.alignment;

/**
 * The kept weights of one attention row, as stored.
 *
 * @param columns column indices of the kept weights, strictly ascending
 * @param levels  the weight at {@code columns[i]} is {@code levels[i] / 255}; each level in 0..255
 */
record QuantisedRow(int[] columns, int[] levels) {
}
