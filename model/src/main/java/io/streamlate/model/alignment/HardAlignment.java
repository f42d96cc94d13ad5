package io.streamlate.model.alignment;

import java.util.List;
import java.util.TreeSet;

/**
 * Word-level hard alignment from the soft matrix: each target subword aligns to the source subword it attends
 * to most (first on ties); a target word aligns to a source word if any of their subwords are aligned.
 */
public final class HardAlignment {

    private HardAlignment() {
    }

    /** @return links sorted by source word, then target word */
    public static List<WordLink> words(float[][] soft, PieceWords source, PieceWords target) {
        TreeSet<WordLink> links = new TreeSet<>();
        for (int targetPiece = 0; targetPiece < soft.length; targetPiece++) {
            int sourcePiece = argmax(soft[targetPiece]);
            if (sourcePiece >= 0) {
                links.add(new WordLink(source.wordOfPiece()[sourcePiece], target.wordOfPiece()[targetPiece]));
            }
        }
        return List.copyOf(links);
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
