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

    @Option(names = "-n", description = "first N sentences (default: ${DEFAULT-VALUE})")
    int count = 1000;

    @Option(names = "--batch", description = "sentences decoding at once (default: ${DEFAULT-VALUE})")
    int batch = 64;

    @Option(names = "--beam-sizes", split = ",", description = "default: ${DEFAULT-VALUE}")
    List<Integer> beamSizes = List.of(1, 4);

    @Option(names = "--precision", description = "float32 or int8 (default: ${DEFAULT-VALUE})")
    String precisionKey = Precision.FLOAT32.key();

    @Option(names = "--pairs", description = "timed pairs per beam size (default: ${DEFAULT-VALUE})")
    int pairs = 9;

    @Mixin
    SteadyState steady = new SteadyState(8);

    @Option(names = "--threads", description = "ORT intra-op threads (default: ${DEFAULT-VALUE})")
    int threads = 2;

    private final String[] args;

    BufferPoolBenchmark(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BufferPoolBenchmark(args)).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<String> sentences = inputs.read(count);
        InterleavedPairs interleaved = new InterleavedPairs(steady, pairs);
        List<InterleavedPairs.Result> results = new ArrayList<>();
        Precision precision = Precision.parse(precisionKey);
        SessionSettings settings = SessionSettings.DEFAULT.withThreads(threads, 1).withPrecision(precision);
        String modelName;
        try (Translator pooled = Translator.open(inputs.model(), settings);
             Translator fresh = Translator.open(inputs.model(), settings.withBufferPoolBytes(0))) {
            modelName = pooled.manifest().modelId() + " " + pooled.manifest().modelVersion();
            for (int beam : beamSizes) {
                TranslationOptions options = pooled.defaultOptions().withBeamSize(beam)
                        .withBatchLimits(Integer.MAX_VALUE, batch);
                results.add(interleaved.measure("beam " + beam, () -> pooled.translateBatch(sentences, options),
                        () -> fresh.translateBatch(sentences, options)));
            }
        }
        String report = render(modelName, sentences.size(), settings, interleaved, results);
        System.out.print(report);
        Path file = inputs.reportFile("buffer-pool");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("written to " + file);
        return 0;
    }

    private String render(String modelName, int sentences, SessionSettings settings, InterleavedPairs interleaved,
                          List<InterleavedPairs.Result> results) {
        StringBuilder out = new StringBuilder("# Recycled encoder-state buffers vs fresh ones\n\n");
        out.append(String.format(Locale.ROOT, "Model %s (%s, %s), first %d sentences of %s, %d decoding at once "
                        + "(continuous batching), %d threads, %d cores. Recycled: bufferPoolBytes %d (the default). "
                        + "Fresh: bufferPoolBytes 0, a new direct buffer for every encoder run and memory gather. "
                        + "%s. Tokens are target subwords, EOS excluded, the same in both.%n%n",
                modelName, inputs.model(), precisionKey, sentences, inputs.sentenceFile(), batch, threads,
                Runtime.getRuntime().availableProcessors(), settings.bufferPoolBytes(), interleaved.method()));
        out.append("| decoding | target tokens | recycled tok/s | fresh tok/s | recycled / fresh | range "
                + "| warm-up pairs |\n|---|---:|---:|---:|---:|---|---:|\n");
        for (int i = 0; i < results.size(); i++) {
            InterleavedPairs.Result r = results.get(i);
            int beam = beamSizes.get(i);
            out.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2fx | %.2f-%.2f | %d |%n",
                    beam == 1 ? "greedy" : "beam " + beam, r.tokens(), r.candidateTokensPerSecond(),
                    r.baselineTokensPerSecond(), r.ratio(), r.lowest(), r.highest(), r.warmups()));
        }
        out.append("\nCommand (from the repository root):\n\n    mvn -q install -DskipTests && mvn -q -pl bench "
                + "exec:java -Dexec.mainClass=io.streamlate.bench.BufferPoolBenchmark -Dexec.args=\"")
                .append(String.join(" ", args)).append("\"\n");
        return out.toString();
    }
}
