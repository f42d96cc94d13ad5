package io.streamlate.bench;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Times the Java engine: all sentences per run, the batch size as how many decode at once, after
 * {@link SteadyState}.
 */
final class JavaRunner {

    private final Translator translator;
    private final SteadyState steady;

    JavaRunner(Translator translator, SteadyState steady) {
        this.translator = translator;
        this.steady = steady;
    }

    Measurement measure(List<String> sentences, int beam, int batch) {
        // The token budget never binds here, so the batch size alone decides the sub-batches, as on the torch side.
        TranslationOptions options = options(translator, beam, batch);
        List<Double> warm = new ArrayList<>();
        while (steady.needsWarmup(warm)) {
            warm.add(run(sentences, options)[0]);
        }
        List<Double> seconds = new ArrayList<>();
        long tokens = 0;
        for (int r = 0; r < steady.repeats; r++) {
            double[] timed = run(sentences, options);
            seconds.add(timed[0]);
            tokens = (long) timed[1];
        }
        double median = median(seconds);
        return new Measurement(beam, batch, median, sentences.size() / median, tokens / median, warm.size(),
                SteadyState.spread(seconds));
    }

    /** @return {seconds, target tokens} of one run over all sentences */
    private double[] run(List<String> sentences, TranslationOptions options) {
        return timed(() -> translator.translateBatch(sentences, options));
    }

    /** The translator's default decoding at {@code beam}, the batch size alone deciding how many decode at once. */
    static TranslationOptions options(Translator translator, int beam, int batch) {
        return translator.defaultOptions().withBeamSize(beam).withBatchLimits(Integer.MAX_VALUE, batch);
    }

    /** @return {seconds, target tokens} of one run */
    static double[] timed(Supplier<List<TranslationOutcome>> run) {
        long began = System.nanoTime();
        List<TranslationOutcome> outcomes = run.get();
        double seconds = (System.nanoTime() - began) / 1e9;
        return new double[] {seconds, targetTokens(outcomes)};
    }

    /** Target subwords (EOS excluded) of the successful outcomes. */
    static long targetTokens(List<TranslationOutcome> outcomes) {
        return outcomes.stream().filter(TranslationOutcome::isSuccess)
                .mapToLong(o -> o.result().targetIds().size()).sum();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
