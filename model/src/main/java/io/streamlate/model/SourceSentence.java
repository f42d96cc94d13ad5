package io.streamlate.model;

/**
 * A tokenised input sentence ready for the encoder.
 *
 * @param ids       source ids, at most max_source_length of them
 * @param truncated whether pieces were cut off
 */
record SourceSentence(int[] ids, boolean truncated) {
}
