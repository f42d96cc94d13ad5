package io.streamlate.bench;

/**
 * Median throughput of one configuration.
 *
 * @param beam    beam size (1 = greedy)
 * @param batch   sentences per sub-batch
 * @param seconds median wall time to translate all sentences
 * @param sentencesPerSecond sentences / seconds
 * @param tokensPerSecond    target tokens (EOS excluded) / seconds
 */
record Measurement(int beam, int batch, double seconds, double sentencesPerSecond, double tokensPerSecond) {
}
