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
 * Beam search batched over sentences, following decode.beam: scores are float32 sums of log-probabilities,
 * 2 x beam candidates per step, a sentence is done once it has beam finished hypotheses (or no live beam), and
 * the winner maximises logProb / rows^lengthPenalty, rows counting emitted tokens including EOS.
 * Every hypothesis extends its parent's attention rows with its own row, never another beam's.
 */
public final class BeamSearch implements DecodingStrategy {

    /** As {@link GreedySearch}'s: finished sentences' rows stay until at most this share of the batch is live. */
    private static final double SHRINK_AT = 0.75;

    private final int beamSize;
    private final double lengthPenalty;
    private final SearchLimits limits;
    private final int bos;
    private final int eos;

    public BeamSearch(int beamSize, double lengthPenalty, SearchLimits limits, int bos, int eos) {
        this.beamSize = beamSize;
        this.lengthPenalty = lengthPenalty;
        this.limits = limits;
        this.bos = bos;
        this.eos = eos;
    }

    @Override
    public void decode(ModelSessions model, int[][] sources, FinishedSentences finished) {
        if (sources.length == 0) {
            return;
        }
        SentenceBeams[] sentences = new SentenceBeams[sources.length];
        for (int s = 0; s < sources.length; s++) {
            sentences[s] = new SentenceBeams(sources[s].length, limits.maxTargetLength(sources[s].length));
        }
        EncoderOutput encoded = model.encode(sources);
        try (Memory memory = new Memory(encoded.states())) {
            FloatMatrix state = encoded.initialState();
            int[] layout = new int[sources.length]; // row -> sentence of the current step's rows
            for (int s = 0; s < sources.length; s++) {
                layout[s] = s;
            }
            List<Integer> order = residents(layout, sentences); // sentences in the order of their rows
            long[] previous = new long[sources.length];
            Arrays.fill(previous, bos);
            StepBuffers buffers = new StepBuffers();
            while (true) {
                Step out = Step.run(model, previous, state, memory.rows(), 2 * beamSize, buffers);
                List<int[]> next = new ArrayList<>(); // per next row: {parent row, token, sentence}
                int offset = 0;
                int live = 0;
                boolean rowsPerSentenceChanged = false;
                for (int s : order) {
                    SentenceBeams sentence = sentences[s];
                    int rows = sentence.resident;
                    if (!sentence.done) {
                        expand(sentence, out, offset);
                        if (sentence.done) {
                            finished.finished(s, best(sentence));
                        }
                    }
                    if (sentence.done) { // finished now or before: its rows stay, fed EOS, until the next gather
                        for (int i = 0; i < rows; i++) {
                            next.add(new int[] {offset + i, eos, s});
                        }
                    } else {
                        for (int i = 0; i < sentence.parentRows.size(); i++) {
                            next.add(new int[] {offset + sentence.parentRows.get(i), sentence.tokens.get(i), s});
                        }
                        live += sentence.parentRows.size();
                        rowsPerSentenceChanged |= sentence.parentRows.size() != rows;
                    }
                    offset += rows;
                }
                if (live == 0) {
                    break;
                }
                boolean gather = rowsPerSentenceChanged || live <= SHRINK_AT * next.size();
                if (gather) {
                    next.removeIf(row -> sentences[row[2]].done);
                }
                int[] parents = new int[next.size()];
                layout = new int[next.size()];
                previous = new long[next.size()];
                for (int i = 0; i < next.size(); i++) {
                    parents[i] = next.get(i)[0];
                    previous[i] = next.get(i)[1];
                    layout[i] = next.get(i)[2];
                }
                order = residents(layout, sentences);
                state = out.state().gatherRows(parents);
                if (gather) {
                    // Memory depends only on the sentence, so it is re-gathered only when the rows per sentence
                    // change (the first expansion to beam size) or enough of the batch finished, not on reordering.
                    memory.layOut(layout);
                }
            }
        }
    }

    /** The sentences of a layout in the order of their rows, each counting the rows it occupies. */
    private static List<Integer> residents(int[] layout, SentenceBeams[] sentences) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < layout.length; i++) {
            if (i == 0 || layout[i] != layout[i - 1]) {
                order.add(layout[i]);
                sentences[layout[i]].resident = 0;
            }
            sentences[layout[i]].resident++;
        }
        return order;
    }

    /** Extends one sentence's beams with its top candidates of this step (decode.beam's inner loop). */
    private void expand(SentenceBeams sentence, Step out, int offset) {
        int step = sentence.steps++;
        int perRow = out.candidates();
        int rows = sentence.beams.size();
        int[] candidates = topCandidates(sentence, out, offset, Math.min(2 * beamSize, rows * perRow));
        List<Beam> next = new ArrayList<>();
        sentence.parentRows.clear();
        sentence.tokens.clear();
        for (int flat : candidates) {
            int row = flat / perRow;
            int token = out.token(offset + row, flat % perRow);
            Beam parent = sentence.beams.get(row);
            float score = parent.score + out.logProb(offset + row, flat % perRow);
            List<float[]> attention = new ArrayList<>(parent.attention);
            attention.add(out.attention().rowPrefix(offset + row, sentence.sourceLength));
            List<Integer> ids = new ArrayList<>(parent.ids);
            if (token != eos) {
                ids.add(token);
            }
            Beam beam = new Beam(ids, attention, score);
            if (token == eos || step == sentence.maxLength - 1) {
                sentence.finished.add(beam);
            } else {
                next.add(beam);
                sentence.parentRows.add(row);
                sentence.tokens.add(token);
            }
            if (next.size() == beamSize) {
                break;
            }
        }
        if (sentence.finished.size() >= beamSize || next.isEmpty()) {
            sentence.done = true;
            sentence.parentRows.clear();
            sentence.tokens.clear();
        } else {
            sentence.beams = next;
        }
    }

    /**
     * The k best (row, candidate) pairs of one sentence by parent score + log-prob in float32, as flat indices
     * row * candidates + candidate, best first; equal scores keep the one met first, which is the lower token of
     * the lower row on either kind of step.
     */
    private static int[] topCandidates(SentenceBeams sentence, Step out, int offset, int k) {
        int perRow = out.candidates();
        float[] bestScores = new float[k];
        int[] bestIndex = new int[k];
        int filled = 0;
        for (int row = 0; row < sentence.beams.size(); row++) {
            float parent = sentence.beams.get(row).score;
            for (int candidate = 0; candidate < perRow; candidate++) {
                float score = parent + out.logProb(offset + row, candidate);
                if (filled == k && score <= bestScores[k - 1]) {
                    continue;
                }
                int position = filled == k ? k - 1 : filled++;
                while (position > 0 && bestScores[position - 1] < score) {
                    bestScores[position] = bestScores[position - 1];
                    bestIndex[position] = bestIndex[position - 1];
                    position--;
                }
                bestScores[position] = score;
                bestIndex[position] = row * perRow + candidate;
            }
        }
        return Arrays.copyOf(bestIndex, filled);
    }

    private Hypothesis best(SentenceBeams sentence) {
        // Finished hypotheses exist whenever the length limit is >= 1, which TranslationOptions enforces.
        Beam winner = null;
        for (Beam beam : sentence.finished) {
            if (winner == null || normalisedScore(beam) > normalisedScore(winner)) { // first of equals wins
                winner = beam;
            }
        }
        return new Hypothesis(winner.ids.stream().mapToInt(Integer::intValue).toArray(), winner.attention,
                winner.score);
    }

    private double normalisedScore(Beam beam) {
        return beam.score / Math.pow(Math.max(1, beam.attention.size()), lengthPenalty);
    }

    /**
     * The encoder memory of the search's sentences, one row per sentence, and laid out one row per step row (each
     * sentence's memory repeated for its hypotheses), which is what the steps read.
     */
    private static final class Memory implements AutoCloseable {
        private final EncoderStates perSentence;
        private EncoderStates laidOut; // null: the step rows are perSentence's, in order

        Memory(EncoderStates perSentence) {
            this.perSentence = perSentence;
        }

        /** Lays the memory out for the next step's rows: row i gets sentence {@code layout[i]}'s memory. */
        void layOut(int[] layout) {
            EncoderStates next = perSentence.gather(layout);
            if (laidOut != null) {
                laidOut.close();
            }
            laidOut = next;
        }

        EncoderStates rows() {
            return laidOut == null ? perSentence : laidOut;
        }

        @Override
        public void close() {
            try (EncoderStates rows = laidOut; EncoderStates sentences = perSentence) {
                // both closed, the laid-out rows first; a null one is skipped
            }
        }
    }

    /** A live or finished hypothesis; score is float32 like the reference's tensor arithmetic. */
    private record Beam(List<Integer> ids, List<float[]> attention, float score) {
    }

    /** The search state of one sentence. */
    private static final class SentenceBeams {
        final int sourceLength;
        final int maxLength;
        List<Beam> beams = List.of(new Beam(List.of(), List.of(), 0f));
        final List<Beam> finished = new ArrayList<>();
        final List<Integer> parentRows = new ArrayList<>(); // per next beam: its parent's row within this sentence
        final List<Integer> tokens = new ArrayList<>();     // per next beam: the token it feeds next step
        boolean done;
        int steps; // steps this sentence has decoded
        int resident = 1; // rows this sentence occupies in the current step's batch, live or finished

        SentenceBeams(int sourceLength, int maxLength) {
            this.sourceLength = sourceLength;
            this.maxLength = maxLength;
        }
    }
}
