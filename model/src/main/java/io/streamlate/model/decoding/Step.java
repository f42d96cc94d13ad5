package io.streamlate.model.decoding;

import io.streamlate.model.onnx.EncoderStates;
import io.streamlate.model.onnx.FloatMatrix;
import io.streamlate.model.onnx.ModelSessions;
import io.streamlate.model.onnx.StepBuffers;
import io.streamlate.model.onnx.StepOutput;
import io.streamlate.model.onnx.TopKStep;

/**
 * One decoder step as the searches read it: per row, its candidates in order, with the next state and the
 * attention row. From the top-k graph (when the model has one) a row's candidates are its k best tokens, best
 * first; otherwise they are the whole vocabulary in token order. Either way, visiting a row's candidates in order
 * meets equal log-probabilities lower token first, so both paths break ties alike.
 */
final class Step {

    private final FloatMatrix logProbs;
    private final int[] ids; // null: the full distribution, candidate i is token i
    private final FloatMatrix state;
    private final FloatMatrix attention;

    private Step(FloatMatrix logProbs, int[] ids, FloatMatrix state, FloatMatrix attention) {
        this.logProbs = logProbs;
        this.ids = ids;
        this.state = state;
        this.attention = attention;
    }

    /** Runs one step; {@code k} is how many candidates per row the search needs at most. */
    static Step run(ModelSessions model, long[] previousIds, FloatMatrix state, EncoderStates states, int k,
                    StepBuffers buffers) {
        if (model.hasTopK()) {
            TopKStep top = model.stepTopK(previousIds, state, states, k, buffers);
            return new Step(top.logProbs(), top.ids(), top.state(), top.attention());
        }
        StepOutput full = model.step(previousIds, state, states, buffers);
        return new Step(full.logProbs(), null, full.state(), full.attention());
    }

    int candidates() {
        return logProbs.columns();
    }

    int token(int row, int candidate) {
        return ids == null ? candidate : ids[row * logProbs.columns() + candidate];
    }

    float logProb(int row, int candidate) {
        return logProbs.get(row, candidate);
    }

    /** The candidate with the highest log-probability, the first of equals (torch.argmax's rule). */
    int best(int row) {
        if (ids != null) {
            return 0;
        }
        int best = 0;
        float bestValue = logProbs.get(row, 0);
        for (int column = 1; column < logProbs.columns(); column++) {
            float value = logProbs.get(row, column);
            if (value > bestValue) {
                bestValue = value;
                best = column;
            }
        }
        return best;
    }

    FloatMatrix state() {
        return state;
    }

    FloatMatrix attention() {
        return attention;
    }
}
