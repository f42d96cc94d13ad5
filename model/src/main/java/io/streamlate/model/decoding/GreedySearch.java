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
     * mask and state are gathered for the live rows. Gathering copies the whole memory, so doing it at every finish
     * would make a batch's cost grow with the square of its size; this way at most a quarter of a step's rows are
     * wasted and a batch of 64 gathers about a dozen times.
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
    public void decode(ModelSessions model, int[][] sources, FinishedSentences finished) {
        if (sources.length == 0) {
            return;
        }
        Partial[] partials = new Partial[sources.length];
        for (int sentence = 0; sentence < sources.length; sentence++) {
            int length = sources[sentence].length;
            partials[sentence] = new Partial(length, limits.maxTargetLength(length));
        }
        try (Batch batch = new Batch(model.encode(sources), bos)) {
            StepBuffers buffers = new StepBuffers();
            while (batch.live > 0) {
                Step out = Step.run(model, batch.previous, batch.state, batch.states, 1, buffers);
                for (int row = 0; row < batch.rows.length; row++) {
                    int sentence = batch.rows[row];
                    if (sentence == FINISHED) {
                        continue;
                    }
                    Partial partial = partials[sentence];
                    int best = out.best(row);
                    int token = out.token(row, best);
                    partial.attention.add(out.attention().rowPrefix(row, partial.sourceLength));
                    partial.logProb += out.logProb(row, best);
                    batch.previous[row] = token;
                    if (token != eos) {
                        partial.ids.add(token);
                    }
                    if (token == eos || partial.ids.size() >= partial.maxLength) {
                        batch.rows[row] = FINISHED;
                        batch.live--;
                        finished.finished(sentence, partial.toHypothesis());
                    }
                }
                batch.state = out.state();
                if (batch.live > 0 && batch.live <= SHRINK_AT * batch.rows.length) {
                    batch.keepLive();
                }
            }
        }
    }

    /** The rows of the current step: which sentence each decodes, its last token and state, and the memory. */
    private static final class Batch implements AutoCloseable {
        int[] rows; // batch row -> sentence, or FINISHED
        int live;
        long[] previous;
        FloatMatrix state;
        EncoderStates states;

        /** Every sentence of the search, one row each in order, fed BOS. */
        Batch(EncoderOutput encoded, int bos) {
            states = encoded.states();
            state = encoded.initialState();
            rows = new int[states.rows()];
            for (int row = 0; row < rows.length; row++) {
                rows[row] = row;
            }
            live = rows.length;
            previous = new long[rows.length];
            Arrays.fill(previous, bos);
        }

        /** Gathers memory, mask, state and last tokens of the live rows, in order: one copy of the memory. */
        void keepLive() {
            int[] kept = new int[live];
            int next = 0;
            for (int row = 0; row < rows.length; row++) {
                if (rows[row] != FINISHED) {
                    kept[next++] = row;
                }
            }
            EncoderStates gathered = states.gather(kept);
            states.close();
            states = gathered;
            state = state.gatherRows(kept);
            previous = select(previous, kept);
            rows = selectInts(rows, kept);
        }

        @Override
        public void close() {
            states.close();
        }
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
