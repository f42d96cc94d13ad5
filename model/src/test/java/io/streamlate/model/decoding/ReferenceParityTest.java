package io.streamlate.model.decoding;

import io.streamlate.model.TestModels;
import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.onnx.ModelSessions;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.model.tokenize.SentencePieceTokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ONNX engine against PyTorch's decode.greedy (reference.json): same source ids, same output ids, attention
 * within 1e-4, for each sentence alone and inside the padded batches PyTorch decoded; through the top-k decoder
 * step (the engine's default path) and through the full distribution.
 */
class ReferenceParityTest {

    private static final double ATTENTION_TOLERANCE = 1e-4;

    @ParameterizedTest(name = "top-k step {0}")
    @ValueSource(booleans = {true, false})
    void tinyFixtureMatchesPyTorch(boolean topK) throws Exception {
        assertParity(TestModels.TINY, SessionSettings.DEFAULT.withTopK(topK));
    }

    @ParameterizedTest(name = "top-k step {0}")
    @ValueSource(booleans = {true, false})
    void publishedModelMatchesPyTorch(boolean topK) throws Exception {
        assumeTrue(TestModels.realModelExported(), "the published model is not exported yet: "
                + TestModels.REAL.toAbsolutePath() + " has no manifest.json and reference.json "
                + "(run model/training/export.py and evaluate.py)");
        assertParity(TestModels.REAL, SessionSettings.DEFAULT.withTopK(topK));
    }

    private static void assertParity(Path directory, SessionSettings settings) throws Exception {
        ReferenceFile reference = ReferenceFile.read(directory.resolve("reference.json"));
        Manifest manifest = ManifestLoader.load(directory);
        assertThat(reference.modelVersion()).as("reference.json belongs to this export").isEqualTo(manifest.modelVersion());
        GreedySearch greedy = new GreedySearch(reference.limits(), manifest.specialTokens().bos(),
                manifest.specialTokens().eos());
        try (SentencePieceTokenizer tokenizer = SentencePieceTokenizer.load(manifest.sourceTokenizer());
             ModelSessions model = ModelSessions.open(manifest, settings)) {
            assertThat(model.hasTopK()).as("decoding through the top-k step")
                    .isEqualTo(settings.topK() && manifest.decoderStepTopK().isPresent());
            for (ReferenceFile.Sentence sentence : reference.sentences()) {
                assertThat(tokenizer.encode(sentence.text())).as("source ids of '%s'", sentence.text())
                        .containsExactly(sentence.sourceIds());
                Hypothesis alone = greedy.decode(model, new int[][] {sentence.sourceIds()}).get(0);
                assertSame(alone, sentence.greedy(), "alone: " + sentence.text());
            }
            for (ReferenceFile.Batch batch : reference.batches()) {
                int[][] sources = Arrays.stream(batch.members())
                        .mapToObj(i -> reference.sentences().get(i).sourceIds()).toArray(int[][]::new);
                List<Hypothesis> decoded = greedy.decode(model, sources);
                for (int k = 0; k < sources.length; k++) {
                    assertSame(decoded.get(k), batch.results().get(k), "batch member " + batch.members()[k]);
                }
            }
        }
        try (Translator translator = Translator.open(directory, settings)) {
            List<String> texts = reference.sentences().stream().map(ReferenceFile.Sentence::text).toList();
            TranslationOptions options = TranslationOptions.DEFAULT
                    .withMaxLength(reference.limits().maxLengthA(), reference.limits().maxLengthB());
            List<TranslationOutcome> outcomes = translator.translateBatch(texts, options);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(outcomes.get(i).orThrow().targetIds()).as("translator output for '%s'", texts.get(i))
                        .containsExactlyElementsOf(Arrays.stream(reference.sentences().get(i).greedy().ids()).boxed().toList());
            }
        }
    }

    private static void assertSame(Hypothesis actual, ReferenceFile.Expected expected, String what) {
        assertThat(actual.ids()).as("ids, %s", what).containsExactly(expected.ids());
        assertThat(actual.attention()).as("attention rows, %s", what).hasSameSizeAs(expected.attention());
        for (int row = 0; row < expected.attention().size(); row++) {
            float[] want = expected.attention().get(row);
            float[] got = actual.attention().get(row);
            assertThat(got).as("attention row %d length, %s", row, what).hasSameSizeAs(want);
            for (int column = 0; column < want.length; column++) {
                assertThat((double) got[column]).as("attention[%d][%d], %s", row, column, what)
                        .isCloseTo(want[column], within(ATTENTION_TOLERANCE));
            }
        }
        assertThat(actual.logProb()).as("log prob, %s", what).isCloseTo(expected.logProb(), within(1e-3));
    }
}
