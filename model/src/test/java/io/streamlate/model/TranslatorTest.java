package io.streamlate.model;

import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.onnx.SessionSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The facade on the tiny fixture: per-sentence errors, truncation, batching invariance, result shape. */
class TranslatorTest {

    static final List<String> SENTENCES = List.of("Open the file in a new window.", "Save",
            "The quick brown fox jumps over the lazy dog.", "Could not connect to the server.", "I love you.");

    private static Translator translator;

    @BeforeAll
    static void open() {
        translator = Translator.open(TestModels.TINY, SessionSettings.DEFAULT.withThreads(1, 1));
    }

    @AfterAll
    static void close() {
        translator.close();
    }

    @Test
    void emptySentenceFailsAloneAndTheRestTranslate() {
        List<TranslationOutcome> outcomes = translator.translateBatch(List.of("Save", "   ", "I love you."),
                TranslationOptions.DEFAULT);

        assertThat(outcomes).extracting(TranslationOutcome::isSuccess).containsExactly(true, false, true);
        assertThat(outcomes.get(1).error().reason()).isEqualTo(Reason.EMPTY_INPUT);
        assertThat(outcomes.get(0).result().targetIds())
                .isEqualTo(translator.translate("Save", TranslationOptions.DEFAULT).targetIds());
        assertThatThrownBy(() -> translator.translate("", TranslationOptions.DEFAULT))
                .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY_INPUT));
    }

    @Test
    void resultsComeBackInInputOrderAndMatchDecodingAlone() {
        for (int beam : new int[] {1, 3}) {
            TranslationOptions options = TranslationOptions.DEFAULT.withBeamSize(beam).withBatchLimits(40, 3);
            List<TranslationOutcome> batched = translator.translateBatch(SENTENCES, options);
            for (int i = 0; i < SENTENCES.size(); i++) {
                TranslationResult alone = translator.translate(SENTENCES.get(i), options);
                TranslationResult inBatch = batched.get(i).orThrow();
                assertThat(inBatch.targetIds()).as("beam %d, sentence %d", beam, i).isEqualTo(alone.targetIds());
                assertThat(inBatch.score()).isCloseTo(alone.score(), within(1e-4));
                assertThat(inBatch.sourcePieces()).isEqualTo(alone.sourcePieces());
            }
        }
    }

    @Test
    void resultCarriesPiecesWordsAndAlignments() {
        TranslationResult result = translator.translate("Open the file in a new window.", translator.defaultOptions());

        assertThat(result.attention()).hasDimensions(result.targetPieces().size(), result.sourcePieces().size());
        assertThat(result.sourceWords()).containsExactly("Open", "the", "file", "in", "a", "new", "window.");
        assertThat(result.pharaoh()).matches("(\\d+-\\d+)( \\d+-\\d+)*");
        assertThat(result.alignment()).allSatisfy(link -> {
            assertThat(link.sourceWord()).isBetween(0, result.sourceWords().size() - 1);
            assertThat(link.targetWord()).isBetween(0, result.targetWords().size() - 1);
        });
        assertThat(result.modelId()).isEqualTo("streamlate-en-fr");
        assertThat(result.modelVersion()).isEqualTo("0.0-tiny");
        assertThat(result.truncated()).isFalse();
        assertThat(result.text()).isNotBlank();
    }

    @Test
    void longSourcesAreTruncatedAndSaySo() {
        String longText = String.join(" ", Collections.nCopies(120, "open the file"));

        TranslationResult result = translator.translate(longText, TranslationOptions.DEFAULT.withMaxLength(0, 3));

        assertThat(result.truncated()).isTrue();
        assertThat(result.sourcePieces()).hasSize(translator.manifest().maxSourceLength());
        assertThat(result.targetIds()).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void maxLengthBoundsTheOutput() {
        TranslationResult result = translator.translate("I love you.", TranslationOptions.DEFAULT.withMaxLength(0, 2));

        assertThat(result.targetIds()).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void oneTranslatorServesManyThreads() throws Exception {
        List<TranslationOutcome> expected = translator.translateBatch(SENTENCES, TranslationOptions.DEFAULT);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<TranslationOutcome>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> translator.translateBatch(SENTENCES, TranslationOptions.DEFAULT)));
            }
            for (Future<List<TranslationOutcome>> future : futures) {
                List<TranslationOutcome> outcomes = future.get();
                for (int i = 0; i < SENTENCES.size(); i++) {
                    assertThat(outcomes.get(i).orThrow().targetIds()).isEqualTo(expected.get(i).orThrow().targetIds());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidOptionsFailTheWholeCall() {
        assertThatThrownBy(() -> translator.translateBatch(SENTENCES, TranslationOptions.DEFAULT.withBeamSize(0)))
                .isInstanceOfSatisfying(TranslationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_OPTIONS));
    }

    @Test
    void aClosedTranslatorRefusesWorkWithATypedErrorInsteadOfTouchingFreedNativeHandles() {
        Translator closing = Translator.open(TestModels.TINY, SessionSettings.DEFAULT.withThreads(1, 1));
        closing.close();
        closing.close();
        assertThatThrownBy(() -> closing.translate("Open the file.", TranslationOptions.DEFAULT))
                .isInstanceOfSatisfying(TranslationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
        assertThatThrownBy(() -> closing.tokenize("Open the file."))
                .isInstanceOfSatisfying(TranslationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
    }

    @Test
    void tokenisedInputsCostWhatTheEncoderSeesAndTranslateAsTheirTexts() {
        String text = "Open the file in a new window.";
        TranslationResult result = translator.translate(text, TranslationOptions.DEFAULT);
        Tokenized.Sentence sentence = translator.tokenize(text);

        assertThat(sentence.cost()).isEqualTo(result.sourcePieces().size());
        assertThat(translator.tokenize("   ").cost()).isZero();
        assertThat(translator.translateTokenized(List.of(sentence, translator.tokenize(" ")), TranslationOptions.DEFAULT))
                .satisfiesExactly(
                        outcome -> assertThat(outcome.orThrow().targetIds()).isEqualTo(result.targetIds()),
                        outcome -> assertThat(outcome.error().reason()).isEqualTo(Reason.EMPTY_INPUT));
    }

    @Test
    void aLongTextIsCutToTheModelsLimitWhenTokenised() {
        Tokenized.Sentence cut = translator.tokenize(String.join(" ", Collections.nCopies(120, "open the file")));

        assertThat(cut.truncated()).isTrue();
        assertThat(cut.cost()).isEqualTo(translator.manifest().maxSourceLength());
    }

    @Test
    void everyTextTokenisedIsCountedOnce() {
        long before = translator.textsTokenized();
        translator.translateBatch(SENTENCES, TranslationOptions.DEFAULT.withBatchLimits(40, 2));
        translator.align(new TextPair("Save", "Enregistrer"), TranslationOptions.DEFAULT);

        assertThat(translator.textsTokenized() - before).isEqualTo(SENTENCES.size() + 2);
    }
}
