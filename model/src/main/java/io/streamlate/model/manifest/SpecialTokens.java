package io.streamlate.model.manifest;

/** Ids of the reserved target/source tokens. */
public record SpecialTokens(int pad, int unk, int bos, int eos) {
}
