package io.streamlate.model.decoding;

import io.streamlate.model.TestModels;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.onnx.EncoderOutput;
import io.streamlate.model.onnx.EncoderStates;
import io.streamlate.model.onnx.FloatMatrix;
import io.streamlate.model.onnx.ModelSessions;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.model.onnx.StepBuffers;
import io.streamlate.model.onnx.StepOutput;
import io.streamlate.model.tokenize.SentencePieceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BeamSearchTest {

    private static final SearchLimits LIMITS = new SearchLimits(2.0, 10);
    /** Eight of different lengths: when one finishes, seven eighths of the batch stay live and its rows stay. */
    private static final List<String> SENTENCES = List.of("Open the file in a new window.", "Save",
            "The quick brown fox jumps over the lazy dog.", "I love you.", "Could not connect to the server.",
            "Yes", "Select a file to open.", "The package contains the development files for the library.");

    private static Manifest manifest;
    private static ModelSessions model;
    private static int[][] sources;

    @BeforeAll
    static void open() {
        manifest = ManifestLoader.load(TestModels.TINY);
        model = ModelSessions.open(manifest, SessionSettings.DEFAULT);
        try (SentencePieceTokenizer tokenizer = SentencePieceTokenizer.load(manifest.sourceTokenizer())) {
            sources = SENTENCES.stream().map(tokenizer::encode).toArray(int[][]::new);
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static BeamSearch beam(int size) {
        return new BeamSearch(size, 1.0, LIMITS, manifest.specialTokens().bos(), manifest.specialTokens().eos());
    }

    @Test
    void beamOfOneIsGreedy() {
        List<Hypothesis> greedy = new GreedySearch(LIMITS, manifest.specialTokens().bos(),
                manifest.specialTokens().eos()).decode(model, sources);
        List<Hypothesis> beam = beam(1).decode(model, sources);

        for (int i = 0; i < sources.length; i++) {
            assertThat(beam.get(i).ids()).as("sentence %d", i).containsExactly(greedy.get(i).ids());
            assertThat(beam.get(i).attention()).hasSameSizeAs(greedy.get(i).attention());
            assertThat(beam.get(i).logProb()).isCloseTo(greedy.get(i).logProb(), within(1e-4));
        }
    }

    @Test
    void batchedGreedyEqualsGreedyAlone() {
        GreedySearch greedy = new GreedySearch(LIMITS, manifest.specialTokens().bos(), manifest.specialTokens().eos());
        List<Hypothesis> batched = greedy.decode(model, sources);

        for (int i = 0; i < sources.length; i++) {
            assertSameAsAlone(i, batched.get(i), greedy.decode(model, new int[][] {sources[i]}).get(0));
        }
    }

    @Test
    void batchedBeamEqualsBeamAlone() {
        List<Hypothesis> batched = beam(4).decode(model, sources);

        for (int i = 0; i < sources.length; i++) {
            assertSameAsAlone(i, batched.get(i), beam(4).decode(model, new int[][] {sources[i]}).get(0));
        }
    }

    /**
     * Rows are independent: a sentence decoded beside others, whose rows leave the batch as they finish (memory
     * re-gathered and re-padded), gets the tokens, score and attention it gets alone.
     */
    private static void assertSameAsAlone(int sentence, Hypothesis batched, Hypothesis alone) {
        assertThat(batched.ids()).as("sentence %d", sentence).containsExactly(alone.ids());
        assertThat(batched.logProb()).isCloseTo(alone.logProb(), within(1e-4));
        assertThat(batched.attention()).hasSameSizeAs(alone.attention());
        for (int row = 0; row < alone.attention().size(); row++) {
            assertThat(batched.attention().get(row)).as("sentence %d row %d", sentence, row)
                    .containsExactly(alone.attention().get(row), within(1e-5f));
        }
    }

    /** Greedy decodes one step per token, so its sentences finish in the order of their lengths (EOS included). */
    @Test
    void greedyHandsEachSentenceOnAtTheStepItFinishes() {
        GreedySearch greedy = new GreedySearch(LIMITS, manifest.specialTokens().bos(), manifest.specialTokens().eos());
        List<Integer> heard = new ArrayList<>();
        Hypothesis[] hypotheses = new Hypothesis[sources.length];

        greedy.decode(model, sources, (source, hypothesis) -> {
            heard.add(source);
            hypotheses[source] = hypothesis;
        });

        assertThat(heard).doesNotHaveDuplicates().hasSameSizeAs(SENTENCES);
        assertThat(heard).extracting(source -> hypotheses[source].attention().size()).isSorted();
        assertThat(heard).as("not in index order: the lengths differ").isNotEqualTo(heard.stream().sorted().toList());
        List<Hypothesis> returned = greedy.decode(model, sources);
        for (int i = 0; i < sources.length; i++) {
            assertThat(hypotheses[i].ids()).containsExactly(returned.get(i).ids());
        }
    }

    @Test
    void aSearchOverNoSentencesReturnsNone() {
        assertThat(beam(4).decode(model, new int[0][])).isEmpty();
        assertThat(new GreedySearch(LIMITS, manifest.specialTokens().bos(), manifest.specialTokens().eos())
                .decode(model, new int[0][])).isEmpty();
    }

    @Test
    void theTopKStepFindsTheSameBeamsAsTheFullDistribution() {
        try (ModelSessions full = ModelSessions.open(manifest, SessionSettings.DEFAULT.withTopK(false))) {
            assertThat(model.hasTopK()).isTrue();
            assertThat(full.hasTopK()).isFalse();
            for (int size : new int[] {1, 2, 4, 8}) {
                List<Hypothesis> fromTopK = beam(size).decode(model, sources);
                List<Hypothesis> fromFull = beam(size).decode(full, sources);
                for (int i = 0; i < sources.length; i++) {
                    assertThat(fromTopK.get(i).ids()).as("beam %d sentence %d", size, i)
                            .containsExactly(fromFull.get(i).ids());
                    assertThat(fromTopK.get(i).logProb()).isCloseTo(fromFull.get(i).logProb(), within(1e-5));
                    assertThat(fromTopK.get(i).attention()).hasSameSizeAs(fromFull.get(i).attention());
                }
            }
        }
    }

    @Test
    void eachHypothesisCarriesItsOwnAttention() {
        List<Hypothesis> hypotheses = beam(4).decode(model, sources);

        for (int i = 0; i < sources.length; i++) {
            Hypothesis hypothesis = hypotheses.get(i);
            int rows = hypothesis.ids().length + (hypothesis.endsWithEos() ? 1 : 0);
            assertThat(hypothesis.attention()).as("one row per emitted token").hasSize(rows);
            List<float[]> forced = teacherForcedAttention(sources[i], hypothesis);
            for (int row = 0; row < rows; row++) {
                float[] got = hypothesis.attention().get(row);
                assertThat(got).hasSize(sources[i].length);
                assertThat(sum(got)).as("row %d sums to 1", row).isCloseTo(1.0, within(1e-4));
                for (int column = 0; column < got.length; column++) {
                    assertThat(got[column]).as("sentence %d row %d", i, row)
                            .isCloseTo(forced.get(row)[column], within(1e-5f));
                }
            }
        }
    }

    /** The attention the decoder gives when fed exactly this hypothesis' tokens: what its rows must be. */
    private static List<float[]> teacherForcedAttention(int[] source, Hypothesis hypothesis) {
        EncoderOutput encoded = model.encode(new int[][] {source});
        try (EncoderStates states = encoded.states()) {
            FloatMatrix state = encoded.initialState();
            long previous = manifest.specialTokens().bos();
            List<float[]> rows = new ArrayList<>();
            StepBuffers buffers = new StepBuffers();
            for (int step = 0; step < hypothesis.attention().size(); step++) {
                StepOutput out = model.step(new long[] {previous}, state, states, buffers);
                rows.add(out.attention().rowPrefix(0, source.length));
                state = out.state();
                previous = step < hypothesis.ids().length ? hypothesis.ids()[step] : manifest.specialTokens().eos();
            }
            return rows;
        }
    }

    private static double sum(float[] row) {
        double total = 0;
        for (float value : row) {
            total += value;
        }
        return total;
    }
}
