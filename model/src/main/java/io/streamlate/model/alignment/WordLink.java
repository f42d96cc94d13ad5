package io.streamlate.model.alignment;

/** A source word aligned to a target word, zero-based; prints as Pharaoh's {@code source-target}. */
public record WordLink(int sourceWord, int targetWord) implements Comparable<WordLink> {

    @Override
    public int compareTo(WordLink other) {
        int bySource = Integer.compare(sourceWord, other.sourceWord);
        return bySource != 0 ? bySource : Integer.compare(targetWord, other.targetWord);
    }

    @Override
    public String toString() {
        return sourceWord + "-" + targetWord;
    }
}
