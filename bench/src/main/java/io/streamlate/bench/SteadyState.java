package io.streamlate.bench;

import picocli.CommandLine.Option;

import java.util.List;

/**
 * How a benchmark proves steady state before it times anything, as one picocli mixin: untimed runs go on until the
 * last three agree within {@code tolerance} of their median (at most {@code maxWarmups}; the count is reported),
 * then {@code repeats} timed runs give the median.
 */
final class SteadyState {

    private static final int STEADY_RUNS = 3;

    @Option(names = "--repeats", description = "timed runs per configuration, medians reported (default: "
            + "${DEFAULT-VALUE})")
    int repeats = 5;

    @Option(names = "--tolerance", description = "warm-up ends when the last three runs agree within this share "
            + "of their median (default: ${DEFAULT-VALUE})")
    double tolerance = 0.05;

    @Option(names = "--max-warmups", description = "at most this many warm-up runs (default: ${DEFAULT-VALUE})")
    int maxWarmups;

    SteadyState(int maxWarmups) {
        this.maxWarmups = maxWarmups;
    }

    /** @param warm the results of the warm-up runs so far, oldest first */
    boolean needsWarmup(List<Double> warm) {
        return warm.size() < maxWarmups && (warm.size() < STEADY_RUNS
                || spread(warm.subList(warm.size() - STEADY_RUNS, warm.size())) > tolerance);
    }

    /** (largest - smallest) / median. */
    static double spread(List<Double> values) {
        double max = values.stream().mapToDouble(d -> d).max().orElse(0);
        double min = values.stream().mapToDouble(d -> d).min().orElse(0);
        return (max - min) / JavaRunner.median(values);
    }
}
