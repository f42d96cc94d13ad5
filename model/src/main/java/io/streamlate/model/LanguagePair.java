package io.streamlate.model;

/** A translation direction, e.g. en → fr, as ISO language codes. */
public record LanguagePair(String source, String target) {

    @Override
    public String toString() {
        return source + "-" + target;
    }
}
