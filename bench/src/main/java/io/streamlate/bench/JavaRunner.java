package io.streamlate.bench;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;

import java.util.ArrayList;
import java.util.List;

/**
 * Times the Java engine: all sentences per run, batch size as the sub-batch sentence cap. Steady state is proven,
 * not assumed: untimed runs go on until the last three agree within {@code tolerance} of their median (at most
 * {@code maxWarmups}; the count is reported), then {@code repeats} timed runs give the median.
 */
final class JavaRunner {

    private static final int STEADY_RUNS = 3;

    private final Translator translator;
    private final double tolerance;
    private final int maxWarmups;

    JavaRunner(Translator translator, double tolerance, int maxWarmups) {
        this.translator = translator;
        this.tolerance = tolerance;
        this.maxWarmups = maxWarmups;
    }

    Measurement measure(List<String> sentences, int beam, int batch, int repeats) {
        // The token budget never binds here, so the batch size alone decides the sub-batches, as on the torch side.
        TranslationOptions options = translator.defaultOptions().withBeamSize(beam)
                .withBatchLimits(Integer.MAX_VALUE, batch);
        List<Double> warm = new ArrayList<>();
        while (warm.size() < maxWarmups && (warm.size() < STEADY_RUNS
                || spread(warm.subList(warm.size() - STEADY_RUNS, warm.size())) > tolerance)) {
            warm.add(run(sentences, options)[0]);
        }
        List<Double> seconds = new ArrayList<>();
        long tokens = 0;
        for (int r = 0; r < repeats; r++) {
            double[] timed = run(sentences, options);
            seconds.add(timed[0]);
            tokens = (long) timed[1];
        }
        double median = median(seconds);
        return new Measurement(beam, batch, median, sentences.size() / median, tokens / median, warm.size(),
                spread(seconds));
    }

    /** @return {seconds, target tokens} of one run over all sentences */
    private double[] run(List<String> sentences, TranslationOptions options) {
        long began = System.nanoTime();
        List<TranslationOutcome> outcomes = translator.translateBatch(sentences, options);
        double seconds = (System.nanoTime() - began) / 1e9;
        long tokens = outcomes.stream().filter(TranslationOutcome::isSuccess)
                .mapToLong(o -> o.result().targetIds().size()).sum();
        return new double[] {seconds, tokens};
    }

    static double spread(List<Double> values) {
        double max = values.stream().mapToDouble(d -> d).max().orElse(0);
        double min = values.stream().mapToDouble(d -> d).min().orElse(0);
        return (max - min) / median(values);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
