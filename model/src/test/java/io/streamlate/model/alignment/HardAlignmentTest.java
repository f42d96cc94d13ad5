package io.streamlate.model.alignment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HardAlignmentTest {

    @Test
    void groupsPiecesIntoWordsAtTheWordStartMarker() {
        PieceWords words = PieceWords.group(List.of("▁The", "▁pack", "age", "▁contains", "."));

        assertThat(words.words()).containsExactly("The", "package", "contains.");
        assertThat(words.wordOfPiece()).containsExactly(0, 1, 1, 2, 2);
    }

    @Test
    void firstPieceOpensAWordEvenWithoutMarker() {
        assertThat(PieceWords.group(List.of("ab", "▁c")).wordOfPiece()).containsExactly(0, 1);
    }

    // source words: "I"(0) "love"(1) "you."(2: "▁you" "."); target words: "Je"(0) "t'"(1: "▁t" "'") "aime"(2)
    private static final PieceWords SOURCE = PieceWords.group(List.of("▁I", "▁love", "▁you", "."));
    private static final PieceWords TARGET = PieceWords.group(List.of("▁Je", "▁t", "'", "▁aime"));
    private static final List<float[]> ROWS = List.of(
            new float[] {0.7f, 0.1f, 0.1f, 0.1f},   // Je   -> I
            new float[] {0.1f, 0.1f, 0.6f, 0.2f},   // ▁t   -> ▁you
            new float[] {0.1f, 0.1f, 0.2f, 0.6f},   // '    -> . (same source word as ▁you: one link)
            new float[] {0.2f, 0.5f, 0.2f, 0.1f},   // aime -> love
            new float[] {0.1f, 0.1f, 0.1f, 0.7f});  // EOS  -> .

    private static String links(String rule) {
        return HardAlignment.pharaoh(HardAlignment.words(LinkRule.parse(rule), ROWS, 4, SOURCE, TARGET));
    }

    @Test
    void argmaxAlignsWordsThroughTheArgmaxSubwordOfEachPredictingRow() {
        assertThat(links("argmax")).isEqualTo("0-0 1-2 2-1");
    }

    @Test
    void consumingRowsAreTheNextStepsAndTheLastPieceReadsTheEosRow() {
        // ▁Je reads ▁t's row (you), ▁t reads ''s row (.), ' reads aime's (love), aime reads EOS's (.)
        assertThat(links("consuming:argmax")).isEqualTo("1-1 2-0 2-1 2-2");
    }

    @Test
    void aHypothesisWithoutEosRowFallsBackToThePredictingRowForItsLastPiece() {
        List<WordLink> links = HardAlignment.words(LinkRule.parse("consuming:argmax"), ROWS.subList(0, 4), 4,
                SOURCE, TARGET);
        assertThat(HardAlignment.pharaoh(links)).isEqualTo("1-1 1-2 2-0 2-1");
    }

    @Test
    void thresholdsApplyToTheMeanWordLevelWeight() {
        // t' = mean of ▁t and ' rows: on "you." (0.6+0.2 + 0.2+0.6) / 2 = 0.8, on "I" 0.1, on "love" 0.1
        assertThat(links("threshold=0.5")).isEqualTo("0-0 1-2 2-1");
        assertThat(links("threshold=0.75")).isEqualTo("2-1");
        assertThat(links("argmax+threshold=0.2")).isEqualTo("0-0 0-2 1-2 2-0 2-1 2-2");
    }

    @Test
    void tieGoesToTheFirstSourceSubword() {
        PieceWords source = PieceWords.group(List.of("▁a", "▁b"));
        PieceWords target = PieceWords.group(List.of("▁x"));

        assertThat(HardAlignment.words(LinkRule.ARGMAX, List.<float[]>of(new float[] {0.5f, 0.5f}), 1, source, target))
                .containsExactly(new WordLink(0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"argmax", "consuming:argmax", "threshold=0.3", "argmax+threshold=0.25",
            "consuming:argmax+threshold=0.5"})
    void rulesPrintAsTheyParse(String spec) {
        assertThat(LinkRule.parse(spec).toString()).isEqualTo(spec);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "max", "threshold=0", "threshold=1.5", "threshold=abc", "argmax+argmax",
            "consuming:", "argmax+"})
    void badRulesNameWhatIsExpected(String spec) {
        assertThatThrownBy(() -> LinkRule.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + spec + "'");
    }

    @Test
    void softMatrixDropsTheEosRow() {
        List<float[]> rows = List.of(new float[] {1f, 0f}, new float[] {0f, 1f}, new float[] {0.5f, 0.5f});

        float[][] soft = SoftAlignment.forTargetPieces(rows, 2);

        assertThat(soft).hasDimensions(2, 2);
        assertThat(soft[1]).containsExactly(0f, 1f);
    }
}
