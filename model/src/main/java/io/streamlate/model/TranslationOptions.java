package io.streamlate.model;

import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.alignment.LinkRule;
import io.streamlate.model.manifest.DecodingDefaults;

import java.util.Objects;

/**
 * Per-request decoding settings, immutable. {@link #DEFAULT} is greedy search with the reference's length limit;
 * {@link #fromManifest} takes the settings the model was evaluated with (beam 4 for the published model).
 *
 * @param beamSize          1 = greedy; default 1, bounds [1, 64]
 * @param lengthPenalty     beam ranking logProb / tokens^lengthPenalty; default 1.0, bounds [0, 10]
 * @param maxLengthA        target limit = floor(a * source length + b); default 2.0, bounds [0, 10]
 * @param maxLengthB        default 10, bounds [1, 1000]
 * @param maxBatchTokens    token budget of the sentences a batch call decodes at once, or of an alignment
 *                          sub-batch (longest source x sentences); default 4096, at least 1
 * @param maxBatchSentences at most this many sentences decoding at once, or per alignment sub-batch; default 64,
 *                          at least 1
 * @param linkRule          how word links are read off the attention; default {@link LinkRule#ARGMAX}
 */
public record TranslationOptions(int beamSize, double lengthPenalty, double maxLengthA, int maxLengthB,
                                 int maxBatchTokens, int maxBatchSentences, LinkRule linkRule) {

    public static final TranslationOptions DEFAULT = new TranslationOptions(1, 1.0, 2.0, 10, 4096, 64, LinkRule.ARGMAX);

    public TranslationOptions {
        Objects.requireNonNull(linkRule, "linkRule");
    }

    public static TranslationOptions fromManifest(DecodingDefaults defaults) {
        return DEFAULT.withBeamSize(defaults.beamSize()).withLengthPenalty(defaults.lengthPenalty())
                .withMaxLength(defaults.maxLengthA(), defaults.maxLengthB()).withLinkRule(defaults.linkRule());
    }

    /** @throws TranslationException INVALID_OPTIONS naming the first option out of bounds */
    public TranslationOptions validate() {
        check(beamSize >= 1 && beamSize <= 64, "beamSize", beamSize, "between 1 and 64");
        check(lengthPenalty >= 0 && lengthPenalty <= 10, "lengthPenalty", lengthPenalty, "between 0 and 10");
        check(maxLengthA >= 0 && maxLengthA <= 10, "maxLengthA", maxLengthA, "between 0 and 10");
        check(maxLengthB >= 1 && maxLengthB <= 1000, "maxLengthB", maxLengthB, "between 1 and 1000");
        check(maxBatchTokens >= 1, "maxBatchTokens", maxBatchTokens, "at least 1");
        check(maxBatchSentences >= 1, "maxBatchSentences", maxBatchSentences, "at least 1");
        return this;
    }

    private static void check(boolean ok, String option, Object value, String bound) {
        if (!ok) {
            throw new TranslationException(Reason.INVALID_OPTIONS, option + " is " + value + ", must be " + bound);
        }
    }

    public TranslationOptions withBeamSize(int value) {
        return new TranslationOptions(value, lengthPenalty, maxLengthA, maxLengthB, maxBatchTokens, maxBatchSentences,
                linkRule);
    }

    public TranslationOptions withLengthPenalty(double value) {
        return new TranslationOptions(beamSize, value, maxLengthA, maxLengthB, maxBatchTokens, maxBatchSentences,
                linkRule);
    }

    public TranslationOptions withMaxLength(double a, int b) {
        return new TranslationOptions(beamSize, lengthPenalty, a, b, maxBatchTokens, maxBatchSentences, linkRule);
    }

    public TranslationOptions withBatchLimits(int tokens, int sentences) {
        return new TranslationOptions(beamSize, lengthPenalty, maxLengthA, maxLengthB, tokens, sentences, linkRule);
    }

    public TranslationOptions withLinkRule(LinkRule value) {
        return new TranslationOptions(beamSize, lengthPenalty, maxLengthA, maxLengthB, maxBatchTokens,
                maxBatchSentences, value);
    }
}
