package io.streamlate.model;

import java.util.Objects;

/** A source text and its given translation, to be force-aligned. */
public record TextPair(String source, String target) {

    public TextPair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }
}
