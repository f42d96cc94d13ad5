package io.streamlate.model.alignment;

import java.util.ArrayList;
import java.util.List;

/**
 * SentencePiece pieces grouped into words: a piece starting with the word-start marker '▁' opens a new word,
 * other pieces continue the current one (the first piece always opens word 0).
 *
 * @param words       the words, marker removed
 * @param wordOfPiece for each piece, the index of its word
 */
public record PieceWords(List<String> words, int[] wordOfPiece) {

    public static final char WORD_START = '\u2581';

    public PieceWords {
        words = List.copyOf(words);
    }

    public static PieceWords group(List<String> pieces) {
        List<String> words = new ArrayList<>();
        int[] wordOfPiece = new int[pieces.size()];
        StringBuilder current = null;
        for (int i = 0; i < pieces.size(); i++) {
            String piece = pieces.get(i);
            boolean startsWord = !piece.isEmpty() && piece.charAt(0) == WORD_START;
            if (current == null || startsWord) {
                if (current != null) {
                    words.add(current.toString());
                }
                current = new StringBuilder();
            }
            current.append(startsWord ? piece.substring(1) : piece);
            wordOfPiece[i] = words.size();
        }
        if (current != null) {
            words.add(current.toString());
        }
        return new PieceWords(words, wordOfPiece);
    }
}
