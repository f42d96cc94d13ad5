package io.streamlate.model.alignment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A text as given, split at whitespace, each word encoded into subwords on its own: no subword crosses a word,
 * so every subword knows the given word it belongs to and a pre-tokenised corpus aligns on its own tokens.
 * A word that encodes to no subword (only characters the tokenizer normalises away) keeps its index and
 * simply has no links.
 *
 * @param ids   the subword ids of all words, in order
 * @param words the given words and each subword's word
 */
public record GivenWords(int[] ids, PieceWords words) {

    public static GivenWords split(String text, Function<String, int[]> encoder) {
        String trimmed = text.strip();
        List<String> words = trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
        List<Integer> ids = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int word = 0; word < words.size(); word++) {
            for (int id : encoder.apply(words.get(word))) {
                ids.add(id);
                owners.add(word);
            }
        }
        return new GivenWords(ids.stream().mapToInt(Integer::intValue).toArray(),
                new PieceWords(words, owners.stream().mapToInt(Integer::intValue).toArray()));
    }
}
