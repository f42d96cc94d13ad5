package io.streamlate.model.decoding;

import java.util.List;

/**
 * One decoded target sentence.
 *
 * @param ids       target ids, EOS excluded
 * @param attention one row per emitted token (EOS's row last when EOS was emitted), each trimmed to the
 *                  sentence's own source length; always this hypothesis' own rows
 * @param logProb   sum of the log-probabilities of the emitted tokens, EOS included
 */
public record Hypothesis(int[] ids, List<float[]> attention, double logProb) {

    public Hypothesis {
        attention = List.copyOf(attention);
    }

    /** True when the search stopped at EOS rather than at the length limit. */
    public boolean endsWithEos() {
        return attention.size() > ids.length;
    }
}
