package io.streamlate.model.manifest;

/** The decoding settings the model was evaluated with, as published in the manifest. */
public record DecodingDefaults(int beamSize, double lengthPenalty, double maxLengthA, int maxLengthB) {
}
