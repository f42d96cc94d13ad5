package io.streamlate.model.decoding;

import io.streamlate.model.onnx.EncoderOutput;
import io.streamlate.model.onnx.EncoderStates;
import io.streamlate.model.onnx.FloatMatrix;
import io.streamlate.model.onnx.ModelSessions;
import io.streamlate.model.onnx.StepOutput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batched greedy search, step for step the reference decode.greedy: argmax (first index on ties), a sentence
 * stops at EOS (whose attention row is kept) or once it has its maximum number of tokens.
 */
public final class GreedySearch implements DecodingStrategy {

    private final SearchLimits limits;
    private final int bos;
    private final int eos;

    public GreedySearch(SearchLimits limits, int bos, int eos) {
        this.limits = limits;
        this.bos = bos;
        this.eos = eos;
    }

    @Override
    public List<Hypothesis> decode(ModelSessions model, int[][] sources) {
        List<Partial> partials = new ArrayList<>();
        for (int[] source : sources) {
            partials.add(new Partial(source.length, limits.maxTargetLength(source.length)));
        }
        EncoderOutput encoded = model.encode(sources);
        EncoderStates states = encoded.states();
        try {
            int[] active = rangeOf(sources.length); // row -> sentence
            long[] previous = new long[sources.length];
            Arrays.fill(previous, bos);
            FloatMatrix state = encoded.initialState();
            while (active.length > 0) {
                StepOutput out = model.step(previous, state, states);
                int[] kept = new int[active.length];
                int keptCount = 0;
                for (int row = 0; row < active.length; row++) {
                    Partial partial = partials.get(active[row]);
                    int token = argmax(out.logProbs(), row);
                    partial.attention.add(out.attention().rowPrefix(row, partial.sourceLength));
                    partial.logProb += out.logProbs().get(row, token);
                    previous[row] = token;
                    if (token != eos) {
                        partial.ids.add(token);
                        if (partial.ids.size() < partial.maxLength) {
                            kept[keptCount++] = row;
                        }
                    }
                }
                if (keptCount == 0) {
                    break;
                }
                int[] keptRows = Arrays.copyOf(kept, keptCount);
                state = out.state().gatherRows(keptRows);
                previous = select(previous, keptRows);
                if (keptCount < active.length) {
                    // Finished sentences leave the batch: re-gather memory and mask for the remaining rows only.
                    EncoderStates shrunk = states.gather(keptRows);
                    states.close();
                    states = shrunk;
                }
                active = selectInts(active, keptRows);
            }
        } finally {
            states.close();
        }
        return partials.stream().map(Partial::toHypothesis).toList();
    }

    static int argmax(FloatMatrix logProbs, int row) {
        int best = 0;
        float bestValue = logProbs.get(row, 0);
        for (int column = 1; column < logProbs.columns(); column++) {
            float value = logProbs.get(row, column);
            if (value > bestValue) { // strict: the first index wins ties, as torch.argmax does
                bestValue = value;
                best = column;
            }
        }
        return best;
    }

    private static int[] rangeOf(int n) {
        int[] range = new int[n];
        Arrays.setAll(range, i -> i);
        return range;
    }

    private static long[] select(long[] values, int[] rows) {
        long[] out = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    private static int[] selectInts(int[] values, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    /** A sentence being decoded. */
    private static final class Partial {
        final int sourceLength;
        final int maxLength;
        final List<Integer> ids = new ArrayList<>();
        final List<float[]> attention = new ArrayList<>();
        double logProb;

        Partial(int sourceLength, int maxLength) {
            this.sourceLength = sourceLength;
            this.maxLength = maxLength;
        }

        Hypothesis toHypothesis() {
            return new Hypothesis(ids.stream().mapToInt(Integer::intValue).toArray(), attention, logProb);
        }
    }
}
