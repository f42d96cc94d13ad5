package io.streamlate.topology.batching;

import io.streamlate.model.LanguagePair;
import io.streamlate.model.TextPair;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationResult;
import io.streamlate.model.Translator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceTokenCounterTest {

    private static final LanguagePair EN_FR = new LanguagePair("en", "fr");
    private static Translator translator;
    private static SourceTokenCounter counter;

    @BeforeAll
    static void open() {
        translator = TinyModel.open();
        counter = new SourceTokenCounter(Map.of(EN_FR, translator)::get);
    }

    @AfterAll
    static void close() {
        translator.close();
    }

    @Test
    void countsWhatTheEngineFeedsTheEncoderTruncationIncluded() {
        String longText = String.join(" ", Collections.nCopies(120, "open the file"));
        for (String text : List.of("Save", "Open the file in a new window.", "Could not connect to the server.",
                longText)) {
            int engine = translator.translate(text, TranslationOptions.DEFAULT.withMaxLength(0, 2))
                    .sourcePieces().size();
            assertThat(counter.tokens(translate(EN_FR, text))).as(text).isEqualTo(engine);
        }
        assertThat(counter.tokens(translate(EN_FR, longText))).isEqualTo(translator.manifest().maxSourceLength());
    }

    @Test
    void blankTextCountsNothingAndAnUnknownPairIsRefused() {
        assertThat(counter.tokens(translate(EN_FR, "  "))).isZero();
        assertThatThrownBy(() -> counter.tokens(translate(new LanguagePair("fr", "en"), "Bonjour")))
                .isInstanceOfSatisfying(TranslationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_LANGUAGE_PAIR));
    }

    @Test
    void aPairToAlignCostsItsLongerSideAsTheEngineEncodesIt() {
        TranslationResult aligned = translator.align(new TextPair("Save", "Enregistrer le fichier maintenant"),
                TranslationOptions.DEFAULT);
        BatchItem<Integer> item = new BatchItem<>(0, EN_FR, "Save", "Enregistrer le fichier maintenant", c -> { });

        assertThat(counter.tokens(item)).isEqualTo(aligned.targetPieces().size())
                .isGreaterThan(aligned.sourcePieces().size());
        assertThat(counter.tokens(new BatchItem<>(0, EN_FR, "Save", " ", c -> { }))).isZero();
    }

    private static BatchItem<Integer> translate(LanguagePair pair, String text) {
        return BatchItem.translate(0, pair, text, c -> { });
    }
}
