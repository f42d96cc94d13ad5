package io.streamlate.model.alignment;

import java.util.Locale;

/**
 * Which word links are read off the attention, written as {@code [consuming:](argmax|threshold=T|argmax+threshold=T)}.
 *
 * <ul>
 *   <li>rows: {@code predicting} (the default) takes, for target subword t, the attention of the step that
 *       predicted it; {@code consuming:} takes the step after, the one that reads t as its input (Chen et al. 2020
 *       find it aligns better in some attention models). The last subword's consuming row is the EOS step's; a
 *       hypothesis cut at the length limit has none, and that subword uses its predicting row.</li>
 *   <li>{@code argmax}: each target subword links the source word of the subword it attends to most (first on
 *       ties); a target word links every source word one of its subwords links.</li>
 *   <li>{@code threshold=T}: a target word links a source word when the word-level weight, the mean over the target
 *       word's subwords of their attention summed over the source word's subwords, is at least T (0 &lt; T &le; 1).</li>
 *   <li>{@code argmax+threshold=T}: the union of both.</li>
 * </ul>
 *
 * @param consuming whether rows are taken from the consuming step
 * @param argmax    whether argmax links are included
 * @param threshold the word-level threshold, 0 for none
 */
public record LinkRule(boolean consuming, boolean argmax, double threshold) {

    public static final LinkRule ARGMAX = new LinkRule(false, true, 0);

    public LinkRule {
        if (!argmax && threshold == 0) {
            throw new IllegalArgumentException("a link rule needs argmax, a threshold or both");
        }
        if (threshold < 0 || threshold > 1 || Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold is " + threshold + ", must be in (0, 1]");
        }
    }

    /** @throws IllegalArgumentException naming what is wrong with the spec */
    public static LinkRule parse(String spec) {
        String rest = spec.strip().toLowerCase(Locale.ROOT);
        boolean consuming = rest.startsWith("consuming:");
        if (consuming) {
            rest = rest.substring("consuming:".length());
        } else if (rest.startsWith("predicting:")) {
            rest = rest.substring("predicting:".length());
        }
        boolean argmax = false;
        double threshold = 0;
        for (String part : rest.split("\\+", -1)) {
            if (part.equals("argmax") && !argmax) {
                argmax = true;
            } else if (part.startsWith("threshold=") && threshold == 0) {
                threshold = parseThreshold(spec, part.substring("threshold=".length()));
            } else {
                throw new IllegalArgumentException("link rule '" + spec + "' is not [consuming:](argmax|threshold=T"
                        + "|argmax+threshold=T), T in (0, 1]");
            }
        }
        return new LinkRule(consuming, argmax, threshold);
    }

    private static double parseThreshold(String spec, String value) {
        try {
            double threshold = Double.parseDouble(value);
            if (threshold > 0 && threshold <= 1) {
                return threshold;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("link rule '" + spec + "': threshold '" + value + "' is not in (0, 1]");
    }

    @Override
    public String toString() {
        String selection = argmax && threshold > 0 ? "argmax+threshold=" + threshold
                : argmax ? "argmax" : "threshold=" + threshold;
        return (consuming ? "consuming:" : "") + selection;
    }
}
