package io.streamlate.model.decoding;

import io.streamlate.model.onnx.EncoderOutput;
import io.streamlate.model.onnx.EncoderStates;
import io.streamlate.model.onnx.FloatMatrix;
import io.streamlate.model.onnx.ModelSessions;
import io.streamlate.model.onnx.StepBuffers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batched greedy search, step for step the reference decode.greedy: argmax (first index on ties), a sentence
 * stops at EOS (whose attention row is kept) or once it has its maximum number of tokens. Rows are independent, so
 * a finished row left in the batch changes nothing for the others.
 */
public final class GreedySearch implements DecodingStrategy {

    private static final int FINISHED = -1;
    /**
     * Finished rows stay in the batch, computed and ignored, until at most this share of it is live; then memory,
     * mask and state are gathered for the live rows. Gathering copies the whole memory, so doing it at every
     * finish would make a batch's cost grow with the square of its size; this way at most a quarter of a step's
     * rows are wasted and a batch of 64 gathers about a dozen times.
     */
    private static final double SHRINK_AT = 0.75;

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
            int[] rows = rangeOf(sources.length); // batch row -> sentence, or FINISHED
            int live = rows.length;
            long[] previous = new long[sources.length];
            Arrays.fill(previous, bos);
            FloatMatrix state = encoded.initialState();
            StepBuffers buffers = new StepBuffers();
            while (live > 0) {
                Step out = Step.run(model, previous, state, states, 1, buffers);
                for (int row = 0; row < rows.length; row++) {
                    if (rows[row] == FINISHED) {
                        continue;
                    }
                    Partial partial = partials.get(rows[row]);
                    int best = out.best(row);
                    int token = out.token(row, best);
                    partial.attention.add(out.attention().rowPrefix(row, partial.sourceLength));
                    partial.logProb += out.logProb(row, best);
                    previous[row] = token;
                    if (token != eos) {
                        partial.ids.add(token);
                    }
                    if (token == eos || partial.ids.size() >= partial.maxLength) {
                        rows[row] = FINISHED;
                        live--;
                    }
                }
                state = out.state();
                if (live > 0 && live <= SHRINK_AT * rows.length) {
                    int[] kept = liveRows(rows, live);
                    state = state.gatherRows(kept);
                    previous = select(previous, kept);
                    EncoderStates shrunk = states.gather(kept);
                    states.close();
                    states = shrunk;
                    rows = selectInts(rows, kept);
                }
            }
        } finally {
            states.close();
        }
        return partials.stream().map(Partial::toHypothesis).toList();
    }

    private static int[] liveRows(int[] rows, int live) {
        int[] kept = new int[live];
        int next = 0;
        for (int row = 0; row < rows.length; row++) {
            if (rows[row] != FINISHED) {
                kept[next++] = row;
            }
        }
        return kept;
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
