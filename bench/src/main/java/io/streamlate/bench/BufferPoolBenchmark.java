package io.streamlate.bench;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.Translator;
import io.streamlate.model.manifest.Precision;
import io.streamlate.model.onnx.SessionSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The engine with its encoder-state buffers recycled (the default {@code bufferPoolBytes}) against the same engine
 * allocating a fresh direct buffer for every encoder run and memory gather ({@code bufferPoolBytes} 0), on the same
 * sentences, batch size and precision, in interleaved pairs ({@link InterleavedPairs}). Both translators live in
 * this one JVM, so the garbage collector frees the fresh buffers as it would in a service. Writes
 * bench/results/buffer-pool-DATE.md.
 */
@Command(name = "buffer-pool-benchmark", mixinStandardHelpOptions = true,
        description = "Recycled encoder-state buffers vs a fresh buffer per gather, interleaved, by beam size.")
public final class BufferPoolBenchmark implements Callable<Integer> {

    @Mixin
    BenchmarkInputs inputs = new BenchmarkInputs();

    @Mixin
    InterleavedPairs interleaved = new InterleavedPairs(9);

    @Option(names = "--precision", description = "float32 or int8 (default: ${DEFAULT-VALUE})")
    String precisionKey = Precision.FLOAT32.key();

    private final String[] args;

    BufferPoolBenchmark(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BufferPoolBenchmark(args)).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<String> sentences = inputs.read(interleaved.count);
        List<InterleavedPairs.Result> results = new ArrayList<>();
        SessionSettings settings = SessionSettings.DEFAULT.withThreads(interleaved.threads, 1)
                .withPrecision(Precision.parse(precisionKey));
        String modelName;
        try (Translator pooled = Translator.open(inputs.model(), settings);
             Translator fresh = Translator.open(inputs.model(), settings.withBufferPoolBytes(0))) {
            modelName = pooled.manifest().modelId() + " " + pooled.manifest().modelVersion();
            for (int beam : interleaved.beamSizes) {
                TranslationOptions options = interleaved.options(pooled, beam);
                results.add(interleaved.measure(beam, () -> pooled.translateBatch(sentences, options),
                        () -> fresh.translateBatch(sentences, options)));
            }
        }
        String report = render(modelName, sentences.size(), settings, results);
        System.out.print(report);
        Path file = inputs.reportFile("buffer-pool");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("written to " + file);
        return 0;
    }

    private String render(String modelName, int sentences, SessionSettings settings,
                          List<InterleavedPairs.Result> results) {
        StringBuilder out = new StringBuilder("# Recycled encoder-state buffers vs fresh ones\n\n");
        out.append(String.format(Locale.ROOT, "Model %s (%s, %s), first %d sentences of %s, length-sorted sub-batches. "
                        + "Recycled: bufferPoolBytes %d (the default). Fresh: bufferPoolBytes 0, a new direct buffer "
                        + "for every encoder run and memory gather. %s.%n%n", modelName, inputs.model(), precisionKey,
                sentences, inputs.sentenceFile(), settings.bufferPoolBytes(), interleaved.method()));
        out.append(InterleavedPairs.table("recycled", "fresh", results));
        out.append("\nCommand (from the repository root):\n\n    mvn -q install -DskipTests && mvn -q -pl bench "
                + "exec:java -Dexec.mainClass=io.streamlate.bench.BufferPoolBenchmark -Dexec.args=\"")
                .append(String.join(" ", args)).append("\"\n");
        return out.toString();
    }
}
