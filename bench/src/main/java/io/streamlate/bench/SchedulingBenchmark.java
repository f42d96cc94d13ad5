package io.streamlate.bench;

import io.streamlate.model.Tokenized;
import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;
import io.streamlate.model.batching.SubBatch;
import io.streamlate.model.batching.TokenBudgetBatcher;
import io.streamlate.model.onnx.SessionSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Continuous batching against sub-batching on the same engine, sentences and batch size: {@link
 * Translator#translateBatch} (one search, a finished sentence's place goes to the next waiting one) against
 * length-sorted sub-batches each decoded to its longest output through {@link Translator#translateTokenized} (what
 * a caller that plans its own batches gets, and what translateBatch did before). The two run in interleaved pairs,
 * alternating which goes first, so the machine's drift falls on both; the figure is the median of the per-pair
 * speed ratios after warm-up. Writes bench/results/scheduling-DATE.md.
 */
@Command(name = "scheduling-benchmark", mixinStandardHelpOptions = true,
        description = "Continuous batching vs length-sorted sub-batches, interleaved, by beam size.")
public final class SchedulingBenchmark implements Callable<Integer> {

    @Mixin
    BenchmarkInputs inputs = new BenchmarkInputs();

    @Mixin
    InterleavedPairs interleaved = new InterleavedPairs(7);

    private final String[] args;

    SchedulingBenchmark(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SchedulingBenchmark(args)).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<String> sentences = inputs.read(interleaved.count);
        List<InterleavedPairs.Result> results = new ArrayList<>();
        String modelName;
        try (Translator translator = Translator.open(inputs.model(),
                SessionSettings.DEFAULT.withThreads(interleaved.threads, 1))) {
            modelName = translator.manifest().modelId() + " " + translator.manifest().modelVersion();
            for (int beam : interleaved.beamSizes) {
                TranslationOptions options = interleaved.options(translator, beam);
                results.add(interleaved.measure(beam, () -> translator.translateBatch(sentences, options),
                        () -> subBatched(translator, sentences, options)));
            }
        }
        String report = render(modelName, sentences.size(), results);
        System.out.print(report);
        Path file = inputs.reportFile("scheduling");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("written to " + file);
        return 0;
    }

    private static List<TranslationOutcome> subBatched(Translator translator, List<String> sentences,
                                                       TranslationOptions options) {
        List<Tokenized.Sentence> tokenized = sentences.stream().map(translator::tokenize).toList();
        TokenBudgetBatcher batcher = new TokenBudgetBatcher(options.maxBatchTokens(), options.maxBatchSentences());
        TranslationOutcome[] outcomes = new TranslationOutcome[tokenized.size()];
        for (SubBatch sub : batcher.plan(tokenized.stream().map(Tokenized::cost).toList())) {
            List<TranslationOutcome> results = translator.translateTokenized(
                    sub.indices().stream().map(tokenized::get).toList(), options);
            for (int k = 0; k < sub.size(); k++) {
                outcomes[sub.indices().get(k)] = results.get(k);
            }
        }
        return List.of(outcomes);
    }

    private String render(String modelName, int sentences, List<InterleavedPairs.Result> results) {
        StringBuilder out = new StringBuilder("# Continuous batching vs sub-batches\n\n");
        out.append(String.format(Locale.ROOT, "Model %s (%s), first %d sentences of %s. Continuous: `translateBatch`, "
                        + "one search whose finished sentences' places go to the next waiting ones, shortest first. "
                        + "Sub-batches: length-sorted, each decoded to its longest output (`translateTokenized` per "
                        + "sub-batch). %s.%n%n", modelName, inputs.model(), sentences, inputs.sentenceFile(),
                interleaved.method()));
        out.append(InterleavedPairs.table("continuous", "sub-batches", results));
        out.append("\nCommand (from the repository root):\n\n    mvn -q install -DskipTests && mvn -q -pl bench "
                + "exec:java -Dexec.mainClass=io.streamlate.bench.SchedulingBenchmark -Dexec.args=\"")
                .append(String.join(" ", args)).append("\"\n");
        return out.toString();
    }
}
