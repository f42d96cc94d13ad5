package io.streamlate.topology.config;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.alignment.LinkRule;

import java.util.Objects;
import java.util.Optional;

/**
 * What the configuration changes in each model's published decoding defaults (its manifest's
 * {@code decoding_defaults}); an empty value keeps the model's own.
 *
 * @param beamSize      1 = greedy search
 * @param lengthPenalty beam ranking log-probability / length^penalty
 * @param linkRule      how word links are read off the attention
 */
public record DecodingOverrides(Optional<Integer> beamSize, Optional<Double> lengthPenalty,
                                Optional<LinkRule> linkRule) {

    public static final DecodingOverrides NONE = new DecodingOverrides(Optional.empty(), Optional.empty(),
            Optional.empty());

    public DecodingOverrides {
        Objects.requireNonNull(beamSize, "beamSize");
        Objects.requireNonNull(lengthPenalty, "lengthPenalty");
        Objects.requireNonNull(linkRule, "linkRule");
    }

    public TranslationOptions applyTo(TranslationOptions defaults) {
        TranslationOptions options = beamSize.map(defaults::withBeamSize).orElse(defaults);
        options = lengthPenalty.map(options::withLengthPenalty).orElse(options);
        return linkRule.map(options::withLinkRule).orElse(options);
    }
}
