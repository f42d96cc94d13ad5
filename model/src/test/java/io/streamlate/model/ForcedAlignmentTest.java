package io.streamlate.model;

import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.alignment.LinkRule;
import io.streamlate.model.onnx.SessionSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Forced alignment on the tiny fixture: teacher forcing, words as given, per-pair errors, batch invariance. */
class ForcedAlignmentTest {

    static final List<TextPair> PAIRS = List.of(
            new TextPair("I love you .", "je t' aime ."),
            new TextPair("Open the file in a new window.", "Ouvrir le fichier dans une nouvelle fenêtre."),
            new TextPair("the minister suggested it", "le ministre a laissé entendre que de le"),
            new TextPair("Save", "Enregistrer"));

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
    void wordsAreTheWhitespaceTokensAsGivenAndEveryLinkIndexesThem() {
        TranslationResult result = translator.align(PAIRS.get(0), TranslationOptions.DEFAULT);

        assertThat(result.sourceWords()).containsExactly("I", "love", "you", ".");
        assertThat(result.targetWords()).containsExactly("je", "t'", "aime", ".");
        assertThat(result.text()).isEqualTo("je t' aime .");
        assertThat(result.sourceWordOfPiece()).hasSize(result.sourcePieces().size()).isSorted();
        assertThat(result.targetWordOfPiece()).hasSize(result.targetPieces().size()).isSorted();
        assertThat(result.attention()).hasDimensions(result.targetPieces().size(), result.sourcePieces().size());
        assertThat(result.alignment()).isNotEmpty().allSatisfy(link -> {
            assertThat(link.sourceWord()).isBetween(0, 3);
            assertThat(link.targetWord()).isBetween(0, 3);
        });
        // every target word has at least one subword, and argmax links each subword: every target word is linked
        assertThat(result.alignment()).extracting(link -> link.targetWord()).containsOnly(0, 1, 2, 3);
    }

    @Test
    void forcingTheModelsOwnTranslationRetracesItsSearchAndScoresIt() {
        // The published model: its greedy translations end with EOS, so both scores cover the same tokens.
        int retraced = 0;
        try (Translator real = Translator.open(TestModels.REAL, SessionSettings.DEFAULT.withThreads(1, 1))) {
            for (String sentence : TranslatorTest.SENTENCES) {
                TranslationResult translation = real.translate(sentence, TranslationOptions.DEFAULT);
                TranslationResult forced = real.align(new TextPair(sentence, translation.text()),
                        TranslationOptions.DEFAULT);

                if (!forced.targetIds().equals(translation.targetIds())) {
                    continue; // the detokenised text re-encodes into other subwords: a different target
                }
                retraced++;
                assertThat(forced.score()).as(sentence).isNegative().isCloseTo(translation.score(), within(1e-3));
                for (int row = 0; row < forced.attention().length; row++) {
                    assertThat(forced.attention()[row]).containsExactly(translation.attention()[row], within(1e-5f));
                }
                assertThat(forced.alignment()).isEqualTo(translation.alignment());
            }
        }
        assertThat(retraced).as("translations whose text re-encodes to the same subwords").isGreaterThanOrEqualTo(3);
    }

    @Test
    void aPairAlignsTheSameAloneAndInABatch() {
        TranslationOptions options = TranslationOptions.DEFAULT.withBatchLimits(30, 2);
        List<TranslationOutcome> batched = translator.alignBatch(PAIRS, options);
        for (int i = 0; i < PAIRS.size(); i++) {
            TranslationResult alone = translator.align(PAIRS.get(i), options);
            TranslationResult inBatch = batched.get(i).orThrow();
            assertThat(inBatch.score()).as("pair %d", i).isCloseTo(alone.score(), within(1e-4));
            assertThat(inBatch.alignment()).isEqualTo(alone.alignment());
            for (int row = 0; row < alone.attention().length; row++) {
                assertThat(inBatch.attention()[row]).containsExactly(alone.attention()[row], within(1e-5f));
            }
        }
    }

    @Test
    void anEmptyOrOverLongSideFailsOnlyItsPairWithATypedError() {
        String tooLong = String.join(" ", Collections.nCopies(150, "open the file"));
        List<TranslationOutcome> outcomes = translator.alignBatch(List.of(PAIRS.get(3), new TextPair("  ", "x"),
                new TextPair("Save", ""), new TextPair(tooLong, "ouvrir"), new TextPair("Save", tooLong)),
                TranslationOptions.DEFAULT);

        assertThat(outcomes).extracting(TranslationOutcome::isSuccess).containsExactly(true, false, false, false, false);
        assertThat(outcomes.subList(1, 5)).extracting(outcome -> outcome.error().reason())
                .containsExactly(Reason.EMPTY_INPUT, Reason.EMPTY_INPUT, Reason.INPUT_TOO_LONG, Reason.INPUT_TOO_LONG);
        assertThat(outcomes.get(1).error()).hasMessageContaining("the source is empty");
        assertThat(outcomes.get(4).error()).hasMessageContaining("the target has")
                .hasMessageContaining("at most " + translator.manifest().maxSourceLength());
    }

    @Test
    void theLinkRuleChoosesWhichLinksAreRead() {
        TextPair pair = PAIRS.get(1);
        TranslationResult argmax = translator.align(pair, TranslationOptions.DEFAULT);
        TranslationResult union = translator.align(pair,
                TranslationOptions.DEFAULT.withLinkRule(LinkRule.parse("argmax+threshold=0.05")));
        TranslationResult strict = translator.align(pair,
                TranslationOptions.DEFAULT.withLinkRule(LinkRule.parse("threshold=1")));

        assertThat(union.alignment()).containsAll(argmax.alignment());
        assertThat(union.alignment().size()).isGreaterThan(argmax.alignment().size());
        assertThat(strict.alignment()).isEmpty(); // no word of this model puts all its weight on one source word
        assertThat(union.attention()).isDeepEqualTo(argmax.attention());
    }
}
