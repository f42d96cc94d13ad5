package io.streamlate.bench;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Two ways of translating the same sentences, timed in interleaved pairs that alternate which runs first, so that
 * this machine's drift over minutes (often larger than the difference measured) falls on both alike; the figure is
 * the median of the pairs' speed ratios after warm-up pairs repeated until {@link SteadyState} holds. Both ways
 * must produce the same number of target tokens: what is compared is speed, never output. A picocli mixin: the
 * options every such comparison takes (sentences, batch size, beam sizes, pairs, warm-up, threads).
 */
final class InterleavedPairs {

    @Option(names = "-n", description = "first N sentences (default: ${DEFAULT-VALUE})")
    int count = 1000;

    @Option(names = "--batch", description = "sentences decoding at once (default: ${DEFAULT-VALUE})")
    int batch = 64;

    @Option(names = "--beam-sizes", split = ",", description = "default: ${DEFAULT-VALUE}")
    List<Integer> beamSizes = List.of(1, 4);

    @Option(names = "--pairs", description = "timed pairs per beam size (default: ${DEFAULT-VALUE})")
    int pairs;

    @Mixin
    SteadyState steady = new SteadyState(8);

    @Option(names = "--threads", description = "ORT intra-op threads (default: ${DEFAULT-VALUE})")
    int threads = 2;

    InterleavedPairs(int pairs) {
        this.pairs = pairs;
    }

    /** The translator's default decoding at {@code beam}, at this comparison's batch size. */
    TranslationOptions options(Translator translator, int beam) {
        return JavaRunner.options(translator, beam, batch);
    }

    /**
     * The pairs' outcome for one beam size.
     *
     * @param beam     the beam size (1: greedy)
     * @param tokens   target subwords (EOS excluded) of one run, the same for both ways
     * @param ratio    median over pairs of (baseline seconds / candidate seconds): above 1, the candidate is faster
     * @param lowest   the smallest pair ratio
     * @param highest  the largest pair ratio
     * @param warmups  warm-up pairs run before timing
     */
    record Result(int beam, long tokens, double candidateTokensPerSecond, double baselineTokensPerSecond,
                  double ratio, double lowest, double highest, int warmups) {
    }

    /**
     * @param candidate one run of the way measured
     * @param baseline  one run of the way it is measured against
     */
    Result measure(int beam, Supplier<List<TranslationOutcome>> candidate,
                   Supplier<List<TranslationOutcome>> baseline) {
        String label = decoding(beam);
        List<Double> warm = new ArrayList<>();
        while (steady.needsWarmup(warm)) {
            warm.add(JavaRunner.timed(candidate)[0] + JavaRunner.timed(baseline)[0]);
            System.out.printf(Locale.ROOT, "%s warm-up %d: %.2f s for both%n", label, warm.size(),
                    warm.get(warm.size() - 1));
        }
        List<Double> ratios = new ArrayList<>();
        List<Double> candidateSeconds = new ArrayList<>();
        List<Double> baselineSeconds = new ArrayList<>();
        long tokens = 0;
        for (int pair = 0; pair < pairs; pair++) {
            double[] first = JavaRunner.timed(pair % 2 == 0 ? candidate : baseline);
            double[] second = JavaRunner.timed(pair % 2 == 0 ? baseline : candidate);
            double[] candidateRun = pair % 2 == 0 ? first : second;
            double[] baselineRun = pair % 2 == 0 ? second : first;
            if (candidateRun[1] != baselineRun[1]) {
                throw new IllegalStateException(label + ": the two ways produced " + candidateRun[1] + " and "
                        + baselineRun[1] + " target tokens; they must translate alike");
            }
            tokens = (long) candidateRun[1];
            candidateSeconds.add(candidateRun[0]);
            baselineSeconds.add(baselineRun[0]);
            ratios.add(baselineRun[0] / candidateRun[0]);
            System.out.printf(Locale.ROOT, "%s pair %d: candidate %.3f s, baseline %.3f s, ratio %.2f%n", label,
                    pair, candidateRun[0], baselineRun[0], baselineRun[0] / candidateRun[0]);
        }
        return new Result(beam, tokens, tokens / JavaRunner.median(candidateSeconds),
                tokens / JavaRunner.median(baselineSeconds), JavaRunner.median(ratios),
                ratios.stream().mapToDouble(d -> d).min().orElse(0),
                ratios.stream().mapToDouble(d -> d).max().orElse(0), warm.size());
    }

    /** "N decoding at once, T threads, ... interleaved pairs ..." for a report's method paragraph. */
    String method() {
        return String.format(Locale.ROOT, "%d decoding at once, %d threads, %d cores; %d interleaved pairs per beam "
                        + "size, alternating which runs first, after warm-up pairs repeated until the last three agreed "
                        + "within %.0f%%; tok/s are medians, the ratio is the median of the pairs' ratios (range beside "
                        + "it). Tokens are target subwords, EOS excluded, the same for both", batch, threads,
                Runtime.getRuntime().availableProcessors(), pairs, 100 * steady.tolerance);
    }

    /** The results as a markdown table, one row per beam size. */
    static String table(String candidate, String baseline, List<Result> results) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "| decoding | target tokens | %s tok/s | %s "
                + "tok/s | %s / %s | range | warm-up pairs |%n|---|---:|---:|---:|---:|---|---:|%n", candidate,
                baseline, candidate, baseline));
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2fx | %.2f-%.2f | %d |%n",
                    decoding(r.beam()), r.tokens(), r.candidateTokensPerSecond(), r.baselineTokensPerSecond(),
                    r.ratio(), r.lowest(), r.highest(), r.warmups()));
        }
        return out.toString();
    }

    private static String decoding(int beam) {
        return beam == 1 ? "greedy" : "beam " + beam;
    }
}
