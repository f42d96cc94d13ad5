package io.streamlate.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import io.streamlate.model.TestModels;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.tokenize.SentencePieceTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncoderStatesTest {

    @Test
    void gatheredRowsAreTheOriginalRowsPaddedOnlyToTheLongestKept() {
        Manifest manifest = ManifestLoader.load(TestModels.TINY);
        int[][] sources;
        try (SentencePieceTokenizer tokenizer = SentencePieceTokenizer.load(manifest.sourceTokenizer())) {
            sources = List.of("Open the file.", "The package contains the development files for the library.", "No")
                    .stream().map(tokenizer::encode).toArray(int[][]::new);
        }
        try (ModelSessions model = ModelSessions.open(manifest, SessionSettings.DEFAULT);
             EncoderStates states = model.encode(sources).states();
             EncoderStates gathered = states.gather(new int[] {2, 0, 0})) {
            int width = manifest.memoryWidth();
            int shortened = Math.max(sources[0].length, sources[2].length);
            assertThat(gathered.rows()).isEqualTo(3);
            assertThat(gathered.sourceLength()).as("the long row's padding is gone").isEqualTo(shortened);
            FloatMatrix before = Tensors.rows(states.memory(), 3);
            FloatMatrix after = Tensors.rows(gathered.memory(), 3);
            FloatMatrix mask = Tensors.rows(gathered.mask(), 3);
            int[] from = {2, 0, 0};
            for (int row = 0; row < 3; row++) {
                int length = sources[from[row]].length;
                for (int t = 0; t < shortened; t++) {
                    assertThat(mask.get(row, t)).as("row %d mask %d", row, t).isEqualTo(t < length ? 1f : 0f);
                    for (int m = 0; m < width; m++) {
                        float expected = t < length ? before.get(from[row], t * width + m) : 0f;
                        assertThat(after.get(row, t * width + m)).as("row %d position %d", row, t)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void aRowLongerThanTheTargetIsRefused() {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (EncoderStates longer = EncoderStates.allocate(environment, new DirectBufferPool(0), new int[] {5}, 2);
             EncoderStates shorter = EncoderStates.allocate(environment, new DirectBufferPool(0), new int[] {3}, 2)) {
            assertThatThrownBy(() -> shorter.copyRow(longer, 0, 0)).hasMessageContaining("5 positions")
                    .hasMessageContaining("fit 3");
        }
    }
}
