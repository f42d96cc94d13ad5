package io.streamlate.model.manifest;

import io.streamlate.model.alignment.LinkRule;

/**
 * The decoding settings the model was evaluated with, as published in the manifest.
 *
 * @param linkRule {@code decoding_defaults.link_rule}, the rule that aligned best when the model was measured;
 *                 {@link LinkRule#ARGMAX} when the manifest names none
 */
public record DecodingDefaults(int beamSize, double lengthPenalty, double maxLengthA, int maxLengthB,
                               LinkRule linkRule) {
}
