package io.streamlate.model.decoding;

import io.streamlate.model.onnx.EncoderOutput;
import io.streamlate.model.onnx.EncoderStates;
import io.streamlate.model.onnx.FloatMatrix;
import io.streamlate.model.onnx.ModelSessions;
import io.streamlate.model.onnx.StepBuffers;
import io.streamlate.model.onnx.StepOutput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs given targets through the decoder instead of searching: step k is fed BOS or the given token k-1 and
 * scores the given token k (EOS after the last one), exactly as training's teacher forcing does. The result is a
 * {@link Hypothesis} of the given ids with one attention row per step (n + 1 rows for n tokens, the EOS row last)
 * and the log-probability of the whole given target, EOS included: the model's judgement of the pair.
 * A sentence leaves the batch once its EOS step ran, as in greedy search, so batch and alone agree.
 */
public final class TeacherForcing {

    private final int bos;
    private final int eos;

    public TeacherForcing(int bos, int eos) {
        this.bos = bos;
        this.eos = eos;
    }

    /**
     * @param sources source ids per pair (no BOS/EOS, at least one id each)
     * @param targets target ids per pair (no BOS/EOS, at least one id each)
     * @return one hypothesis per pair, in the same order
     */
    public List<Hypothesis> force(ModelSessions model, int[][] sources, int[][] targets) {
        if (sources.length != targets.length) {
            throw new IllegalArgumentException(sources.length + " sources for " + targets.length + " targets");
        }
        List<List<float[]>> attention = new ArrayList<>();
        double[] logProbs = new double[sources.length];
        for (int b = 0; b < sources.length; b++) {
            attention.add(new ArrayList<>());
        }
        EncoderOutput encoded = model.encode(sources);
        EncoderStates states = encoded.states();
        try {
            int[] active = new int[sources.length]; // row -> pair
            Arrays.setAll(active, i -> i);
            FloatMatrix state = encoded.initialState();
            StepBuffers buffers = new StepBuffers();
            for (int step = 0; active.length > 0; step++) {
                long[] previous = new long[active.length];
                for (int row = 0; row < active.length; row++) {
                    previous[row] = step == 0 ? bos : targets[active[row]][step - 1];
                }
                StepOutput out = model.step(previous, state, states, buffers);
                int[] kept = new int[active.length];
                int keptCount = 0;
                for (int row = 0; row < active.length; row++) {
                    int pair = active[row];
                    int[] target = targets[pair];
                    int expected = step < target.length ? target[step] : eos;
                    attention.get(pair).add(out.attention().rowPrefix(row, sources[pair].length));
                    logProbs[pair] += out.logProbs().get(row, expected);
                    if (step < target.length) {
                        kept[keptCount++] = row;
                    }
                }
                if (keptCount == 0) {
                    break;
                }
                int[] keptRows = Arrays.copyOf(kept, keptCount);
                state = out.state().gatherRows(keptRows);
                if (keptCount < active.length) {
                    EncoderStates shrunk = states.gather(keptRows);
                    states.close();
                    states = shrunk;
                }
                int[] next = new int[keptCount];
                for (int i = 0; i < keptCount; i++) {
                    next[i] = active[keptRows[i]];
                }
                active = next;
            }
        } finally {
            states.close();
        }
        List<Hypothesis> hypotheses = new ArrayList<>();
        for (int b = 0; b < sources.length; b++) {
            hypotheses.add(new Hypothesis(targets[b].clone(), attention.get(b), logProbs[b]));
        }
        return hypotheses;
    }
}
