package io.streamlate.bench;

/**
 * Median throughput of one configuration.
 *
 * @param beam               beam size (1 = greedy)
 * @param batch              sentences decoding at once (the batch-size option)
 * @param seconds            median wall time to translate all sentences
 * @param sentencesPerSecond sentences / seconds
 * @param tokensPerSecond    target tokens (EOS excluded) / seconds
 * @param warmups            untimed runs before the timed ones (0 where the harness does not count them)
 * @param spread             (slowest - fastest) / median of the timed runs
 */
record Measurement(int beam, int batch, double seconds, double sentencesPerSecond, double tokensPerSecond,
                   int warmups, double spread) {
}
