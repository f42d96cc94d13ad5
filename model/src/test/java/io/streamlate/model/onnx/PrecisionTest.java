package io.streamlate.model.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlate.model.TestModels;
import io.streamlate.model.TranslationException;
import io.streamlate.model.manifest.GraphRole;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.manifest.Precision;
import io.streamlate.model.tokenize.SentencePieceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The int8 variant of the tiny fixture against its float32 graphs, step for step. */
class PrecisionTest {

    private static final List<String> SENTENCES = List.of("Open the file in a new window.", "Save",
            "The quick brown fox jumps over the lazy dog.", "I love you.");

    @Test
    void theInt8StepStaysCloseToFloat32AndReadsTheSameAttentionShape() {
        Manifest manifest = ManifestLoader.load(TestModels.TINY);
        assertThat(manifest.graphFile(GraphRole.DECODER_STEP, Precision.INT8).getFileName().toString())
                .isEqualTo("decoder_step.int8.onnx");
        assertThat(manifest.graphFile(GraphRole.ENCODER, Precision.INT8))
                .as("int8 leaves the encoder alone").isEqualTo(manifest.graphFile(GraphRole.ENCODER));
        int[][] sources;
        try (SentencePieceTokenizer tokenizer = SentencePieceTokenizer.load(manifest.sourceTokenizer())) {
            sources = SENTENCES.stream().map(tokenizer::encode).toArray(int[][]::new);
        }
        SessionSettings full = SessionSettings.DEFAULT.withTopK(false);
        try (ModelSessions float32 = ModelSessions.open(manifest, full);
             ModelSessions int8 = ModelSessions.open(manifest, full.withPrecision(Precision.INT8))) {
            assertThat(int8.precision()).isEqualTo(Precision.INT8);
            StepOutput expected = firstStep(float32, manifest, sources);
            StepOutput actual = firstStep(int8, manifest, sources);
            double worst = 0; // total variation distance between the two next-token distributions
            int sameBest = 0;
            for (int row = 0; row < sources.length; row++) {
                double distance = 0;
                for (int token = 0; token < expected.logProbs().columns(); token++) {
                    distance += Math.abs(Math.exp(expected.logProbs().get(row, token))
                            - Math.exp(actual.logProbs().get(row, token))) / 2;
                }
                worst = Math.max(worst, distance);
                sameBest += argmax(expected.logProbs(), row) == argmax(actual.logProbs(), row) ? 1 : 0;
            }
            System.out.printf("int8 vs float32, first step: total variation distance at most %.4f%n", worst);
            assertThat(worst).as("largest total variation distance at the first step").isLessThan(0.05);
            assertThat(sameBest).as("rows whose best token is unchanged").isEqualTo(sources.length);
            assertThat(actual.attention().columns()).isEqualTo(expected.attention().columns());
        }
    }

    @Test
    void aPrecisionTheModelDoesNotShipFailsNamingWhatItHas(@TempDir Path copy)
            throws Exception {
        for (String file : List.of("manifest.json", "encoder.onnx", "decoder_step.onnx", "source.model",
                "target.model")) {
            Files.copy(TestModels.TINY.resolve(file), copy.resolve(file));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(copy.resolve("manifest.json").toFile());
        ((ObjectNode) root.path("graphs")).remove(GraphRole.DECODER_STEP_TOP_K.key());
        root.remove("precisions");
        json.writeValue(copy.resolve("manifest.json").toFile(), root); // a model exported before both existed
        Manifest manifest = ManifestLoader.load(copy);

        assertThat(manifest.decoderStepTopK()).isEmpty();
        assertThatThrownBy(() -> manifest.graphFile(GraphRole.DECODER_STEP, Precision.INT8))
                .isInstanceOf(TranslationException.class)
                .hasMessage("MODEL_INVALID: model streamlate-en-fr 0.0-tiny has no int8 graphs "
                        + "(its manifest's precisions: []); use float32");
        try (ModelSessions sessions = ModelSessions.open(manifest, SessionSettings.DEFAULT)) {
            assertThat(sessions.hasTopK()).as("a model without the top-k step decodes from the full one").isFalse();
        }
    }

    private static StepOutput firstStep(ModelSessions model, Manifest manifest, int[][] sources) {
        EncoderOutput encoded = model.encode(sources);
        try (EncoderStates states = encoded.states()) {
            long[] bos = new long[sources.length];
            Arrays.fill(bos, manifest.specialTokens().bos());
            return model.step(bos, encoded.initialState(), states, new StepBuffers());
        }
    }

    private static int argmax(FloatMatrix matrix, int row) {
        int best = 0;
        for (int column = 1; column < matrix.columns(); column++) {
            if (matrix.get(row, column) > matrix.get(row, best)) {
                best = column;
            }
        }
        return best;
    }
}
