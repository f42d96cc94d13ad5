package io.streamlate.model.onnx;

import io.streamlate.model.TestModels;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.tokenize.SentencePieceTokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One search's buffers, reused across steps of different sizes, give what fresh buffers give. */
class StepBuffersTest {

    private static final List<String> SENTENCES = List.of("Open the file in a new window.", "Save",
            "The quick brown fox jumps over the lazy dog.", "I love you.");

    @ParameterizedTest(name = "top-k step: {0}")
    @ValueSource(booleans = {false, true})
    void buffersGrownByALargeStepAndReusedByASmallerOneChangeNoOutput(boolean topK) {
        Manifest manifest = ManifestLoader.load(TestModels.TINY);
        int[][] all;
        try (SentencePieceTokenizer tokenizer = SentencePieceTokenizer.load(manifest.sourceTokenizer())) {
            all = SENTENCES.stream().map(tokenizer::encode).toArray(int[][]::new);
        }
        int[][] one = {all[1]};
        try (ModelSessions model = ModelSessions.open(manifest, SessionSettings.DEFAULT.withTopK(topK))) {
            assertThat(model.hasTopK()).isEqualTo(topK);
            StepBuffers reused = new StepBuffers();
            float[][] large = firstStep(model, manifest, all, reused);
            float[][] small = firstStep(model, manifest, one, reused);
            float[][] largeAgain = firstStep(model, manifest, all, reused);

            assertThat(small).isDeepEqualTo(firstStep(model, manifest, one, new StepBuffers()));
            assertThat(large).isDeepEqualTo(firstStep(model, manifest, all, new StepBuffers()))
                    .isDeepEqualTo(largeAgain);
        }
    }

    /** @return {scores, next state, attention} of the first step, as flat arrays */
    private static float[][] firstStep(ModelSessions model, Manifest manifest, int[][] sources, StepBuffers buffers) {
        EncoderOutput encoded = model.encode(sources);
        try (EncoderStates states = encoded.states()) {
            long[] bos = new long[sources.length];
            Arrays.fill(bos, manifest.specialTokens().bos());
            if (model.hasTopK()) {
                TopKStep step = model.stepTopK(bos, encoded.initialState(), states, 4, buffers);
                float[] ids = new float[step.ids().length];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = step.ids()[i];
                }
                return new float[][] {step.logProbs().data(), ids, step.state().data(), step.attention().data()};
            }
            StepOutput step = model.step(bos, encoded.initialState(), states, buffers);
            return new float[][] {step.logProbs().data(), step.state().data(), step.attention().data()};
        }
    }
}
