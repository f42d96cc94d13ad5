package io.streamlate.model.onnx;

import io.streamlate.model.TestModels;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.tokenize.SentencePieceTokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EncoderBucketsTest {

    @Test
    void lengthsThatPadLittleRunTogetherInInputOrder() {
        List<int[]> runs = EncoderBuckets.plan(new int[] {10, 9, 11, 10});

        assertThat(runs).hasSize(1);
        assertThat(runs.get(0)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void oneLongSourceAmongShortOnesRunsApartAndEveryRowRunsOnce() {
        int[] lengths = {5, 90, 6, 5, 7, 6, 5, 8};

        List<int[]> runs = EncoderBuckets.plan(lengths);

        assertThat(runs).hasSizeGreaterThan(1);
        assertThat(runs.stream().flatMapToInt(Arrays::stream).sorted().toArray())
                .containsExactly(IntStream.range(0, lengths.length).toArray());
        assertThat(runs.get(runs.size() - 1)).containsExactly(1);
        for (int[] run : runs) {
            int longest = Arrays.stream(run).map(row -> lengths[row]).max().orElseThrow();
            int tokens = Arrays.stream(run).map(row -> lengths[row]).sum();
            assertThat((double) longest * run.length).as("padded cost of %s", Arrays.toString(run))
                    .isLessThanOrEqualTo(EncoderBuckets.SLACK * tokens);
        }
    }

    @Test
    void emptyAndZeroLengthBatchesAreOneRun() {
        assertThat(EncoderBuckets.plan(new int[0])).hasSize(1);
        assertThat(EncoderBuckets.plan(new int[] {0, 0})).hasSize(1);
    }

    @Test
    void statesEncodedInRunsAreEachRowsStatesEncodedAlone() {
        Manifest manifest = ManifestLoader.load(TestModels.TINY);
        int[][] sources;
        try (SentencePieceTokenizer tokenizer = SentencePieceTokenizer.load(manifest.sourceTokenizer())) {
            sources = List.of("Save", "Yes", "Open the file.", "The package contains the development files for the "
                    + "library and the headers that programs built against it need.", "No")
                    .stream().map(tokenizer::encode).toArray(int[][]::new);
        }
        assertThat(EncoderBuckets.plan(Arrays.stream(sources).mapToInt(s -> s.length).toArray()))
                .as("the batch is encoded in more than one run").hasSizeGreaterThan(1);
        try (ModelSessions model = ModelSessions.open(manifest, SessionSettings.DEFAULT)) {
            EncoderOutput together = model.encode(sources);
            try (EncoderStates states = together.states()) {
                int longest = states.sourceLength();
                FloatMatrix memory = Tensors.rows(states.memory(), sources.length);
                FloatMatrix mask = Tensors.rows(states.mask(), sources.length);
                int width = memory.columns() / longest;
                for (int row = 0; row < sources.length; row++) {
                    EncoderOutput alone = model.encode(new int[][] {sources[row]});
                    try (EncoderStates own = alone.states()) {
                        float[] ownMemory = Tensors.rows(own.memory(), 1).data();
                        for (int i = 0; i < ownMemory.length; i++) {
                            assertThat(memory.data()[row * longest * width + i]).as("row %d memory %d", row, i)
                                    .isCloseTo(ownMemory[i], within(1e-5f));
                        }
                        for (int t = 0; t < longest; t++) {
                            assertThat(mask.data()[row * longest + t]).as("row %d mask %d", row, t)
                                    .isEqualTo(t < sources[row].length ? 1f : 0f);
                        }
                        for (int h = 0; h < together.initialState().columns(); h++) {
                            assertThat(together.initialState().data()[row * together.initialState().columns() + h])
                                    .isCloseTo(alone.initialState().data()[h], within(1e-5f));
                        }
                    }
                }
            }
        }
    }
}
