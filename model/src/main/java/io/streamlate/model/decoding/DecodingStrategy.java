package io.streamlate.model.decoding;

import io.streamlate.model.onnx.ModelSessions;

import java.util.List;

/** A search over the decoder (greedy or beam) for the sources of one batch, all decoding at once. */
public interface DecodingStrategy {

    /**
     * Decodes every source in one batch from start to end; a finished sentence's rows leave the batch as others
     * finish. A sentence's result does not depend on which others share its steps.
     *
     * @param sources  source ids per sentence (no BOS/EOS, at least one id each)
     * @param finished hears each sentence's hypothesis (by its index in {@code sources}) as its search ends, before
     *                 the search returns
     */
    void decode(ModelSessions model, int[][] sources, FinishedSentences finished);

    /** As {@link #decode(ModelSessions, int[][], FinishedSentences)}, one hypothesis per source. */
    default List<Hypothesis> decode(ModelSessions model, int[][] sources) {
        Hypothesis[] hypotheses = new Hypothesis[sources.length];
        decode(model, sources, (source, hypothesis) -> hypotheses[source] = hypothesis);
        return List.of(hypotheses);
    }

    /** Greedy for beam size 1 (identical results, less bookkeeping), beam search otherwise. */
    static DecodingStrategy of(int beamSize, double lengthPenalty, SearchLimits limits, int bos, int eos) {
        return beamSize == 1 ? new GreedySearch(limits, bos, eos)
                : new BeamSearch(beamSize, lengthPenalty, limits, bos, eos);
    }
}
