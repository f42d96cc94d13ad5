package io.streamlate.model.alignment;

import java.util.List;
import java.util.TreeSet;

/** Word-level hard alignment read off the decoder's attention rows by a {@link LinkRule}. */
public final class HardAlignment {

    private HardAlignment() {
    }

    /**
     * @param rows         the decoder's attention rows, one per step (the EOS step's row last when there was one),
     *                     each over the source subwords
     * @param targetPieces the number of target subwords (rows beyond it belong to EOS)
     * @return links sorted by source word, then target word
     */
    public static List<WordLink> words(LinkRule rule, List<float[]> rows, int targetPieces, PieceWords source,
                                       PieceWords target) {
        float[][] chosen = new float[targetPieces][];
        for (int piece = 0; piece < targetPieces; piece++) {
            chosen[piece] = rule.consuming() && piece + 1 < rows.size() ? rows.get(piece + 1) : rows.get(piece);
        }
        TreeSet<WordLink> links = new TreeSet<>();
        if (rule.argmax()) {
            for (int piece = 0; piece < targetPieces; piece++) {
                int sourcePiece = argmax(chosen[piece]);
                if (sourcePiece >= 0) {
                    links.add(new WordLink(source.wordOfPiece()[sourcePiece], target.wordOfPiece()[piece]));
                }
            }
        }
        if (rule.threshold() > 0) {
            float[][] weights = wordWeights(chosen, source, target);
            for (int targetWord = 0; targetWord < weights.length; targetWord++) {
                for (int sourceWord = 0; sourceWord < weights[targetWord].length; sourceWord++) {
                    if (weights[targetWord][sourceWord] >= rule.threshold()) {
                        links.add(new WordLink(sourceWord, targetWord));
                    }
                }
            }
        }
        return List.copyOf(links);
    }

    /** [target word][source word]: the mean over the target word's subwords of their weight on the source word. */
    static float[][] wordWeights(float[][] pieceRows, PieceWords source, PieceWords target) {
        float[][] weights = new float[target.words().size()][source.words().size()];
        int[] pieces = new int[target.words().size()];
        for (int piece = 0; piece < pieceRows.length; piece++) {
            int targetWord = target.wordOfPiece()[piece];
            pieces[targetWord]++;
            for (int column = 0; column < pieceRows[piece].length; column++) {
                weights[targetWord][source.wordOfPiece()[column]] += pieceRows[piece][column];
            }
        }
        for (int targetWord = 0; targetWord < weights.length; targetWord++) {
            for (int sourceWord = 0; sourceWord < weights[targetWord].length && pieces[targetWord] > 0; sourceWord++) {
                weights[targetWord][sourceWord] /= pieces[targetWord];
            }
        }
        return weights;
    }

    /** Pharaoh format: space-separated {@code i-j} pairs, source word first. */
    public static String pharaoh(List<WordLink> links) {
        return String.join(" ", links.stream().map(WordLink::toString).toList());
    }

    private static int argmax(float[] row) {
        int best = -1;
        for (int i = 0; i < row.length; i++) {
            if (best < 0 || row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
