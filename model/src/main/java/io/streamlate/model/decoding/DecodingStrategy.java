package io.streamlate.model.decoding;

import io.streamlate.model.onnx.ModelSessions;

import java.util.List;

/** A search over the decoder (greedy or beam) for one sub-batch of sources. */
public interface DecodingStrategy {

    /**
     * @param sources source ids per sentence (no BOS/EOS, at least one id each)
     * @return one hypothesis per source, in the same order
     */
    List<Hypothesis> decode(ModelSessions model, int[][] sources);

    /** Greedy for beam size 1 (identical results, less bookkeeping), beam search otherwise. */
    static DecodingStrategy of(int beamSize, double lengthPenalty, SearchLimits limits, int bos, int eos) {
        return beamSize == 1 ? new GreedySearch(limits, bos, eos)
                : new BeamSearch(beamSize, lengthPenalty, limits, bos, eos);
    }
}
