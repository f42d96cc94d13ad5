package io.streamlate.bench;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;

import java.util.ArrayList;
import java.util.List;

/** Times the Java engine: all sentences per repeat, batch size as the sub-batch sentence cap. */
final class JavaRunner {

    private final Translator translator;

    JavaRunner(Translator translator) {
        this.translator = translator;
    }

    Measurement measure(List<String> sentences, int beam, int batch, int repeats) {
        // The token budget never binds here, so the batch size alone decides the sub-batches, as on the torch side.
        TranslationOptions options = TranslationOptions.DEFAULT.withBeamSize(beam)
                .withBatchLimits(Integer.MAX_VALUE, batch);
        translator.translateBatch(sentences.subList(0, Math.min(8, sentences.size())), options); // warm-up
        List<Double> seconds = new ArrayList<>();
        long tokens = 0;
        for (int r = 0; r < repeats; r++) {
            long began = System.nanoTime();
            List<TranslationOutcome> outcomes = translator.translateBatch(sentences, options);
            seconds.add((System.nanoTime() - began) / 1e9);
            tokens = outcomes.stream().filter(TranslationOutcome::isSuccess)
                    .mapToLong(o -> o.result().targetIds().size()).sum();
        }
        double median = median(seconds);
        return new Measurement(beam, batch, median, sentences.size() / median, tokens / median);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
