package io.streamlate.model.alignment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void alignsWordsThroughTheArgmaxSubwordOfEachRow() {
        // source words: "I"(0) "love"(1) "you."(2: "▁you" "."); target words: "Je"(0) "t'"(1: "▁t" "'") "aime"(2)
        PieceWords source = PieceWords.group(List.of("▁I", "▁love", "▁you", "."));
        PieceWords target = PieceWords.group(List.of("▁Je", "▁t", "'", "▁aime"));
        float[][] soft = {
                {0.7f, 0.1f, 0.1f, 0.1f},   // Je   -> I
                {0.1f, 0.1f, 0.6f, 0.2f},   // ▁t   -> ▁you
                {0.1f, 0.1f, 0.2f, 0.6f},   // '    -> . (same source word as ▁you: one link)
                {0.2f, 0.5f, 0.2f, 0.1f},   // aime -> love
        };

        List<WordLink> links = HardAlignment.words(soft, source, target);

        assertThat(HardAlignment.pharaoh(links)).isEqualTo("0-0 1-2 2-1");
    }

    @Test
    void tieGoesToTheFirstSourceSubword() {
        PieceWords source = PieceWords.group(List.of("▁a", "▁b"));
        PieceWords target = PieceWords.group(List.of("▁x"));

        assertThat(HardAlignment.words(new float[][] {{0.5f, 0.5f}}, source, target))
                .containsExactly(new WordLink(0, 0));
    }

    @Test
    void softMatrixDropsTheEosRow() {
        List<float[]> rows = List.of(new float[] {1f, 0f}, new float[] {0f, 1f}, new float[] {0.5f, 0.5f});

        float[][] soft = SoftAlignment.forTargetPieces(rows, 2);

        assertThat(soft).hasDimensions(2, 2);
        assertThat(soft[1]).containsExactly(0f, 1f);
    }
}
