package io.streamlate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlate.model.TranslationOutcome;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Throughput of the Java engine in each of its variants (float32 reading the whole distribution, float32 through
 * the top-k step, int8 through the top-k step) against PyTorch eager on the same checkpoint, sentences, batch
 * sizes and thread count, and against the machine's sgemm peak, all in one run; optionally BLEU and chrF of each
 * precision on a fixed test set. Writes bench/results/engine-DATE.md. Run from the repository root:
 * {@code mvn -q install -DskipTests && mvn -q -pl bench exec:java -Dexec.args="..."}.
 */
@Command(name = "engine-benchmark", mixinStandardHelpOptions = true,
        description = "Target tokens/s of the Java engine's variants vs PyTorch eager and the sgemm bound.")
public final class EngineBenchmark implements Callable<Integer> {

    /** What a run of the engine is configured as. */
    enum Variant {
        FULL("float32, full distribution", Precision.FLOAT32, false),
        FLOAT32("float32, top-k step", Precision.FLOAT32, true),
        INT8("int8, top-k step", Precision.INT8, true);

        final String label;
        final Precision precision;
        final boolean topK;

        Variant(String label, Precision precision, boolean topK) {
            this.label = label;
            this.precision = precision;
            this.topK = topK;
        }
    }

    /** The figure for beam 4 at batch 64 before this work (same machine, an earlier run). */
    private static final double EARLIER_BEAM4_BATCH64 = 2_704;

    @Mixin
    BenchmarkInputs inputs = new BenchmarkInputs();

    @Option(names = "-n", description = "first N sentences (default: ${DEFAULT-VALUE})")
    int count = 200;

    @Option(names = "--batch-sizes", split = ",", description = "default: ${DEFAULT-VALUE}")
    List<Integer> batchSizes = List.of(1, 8, 32, 64);

    @Option(names = "--beam-sizes", split = ",", description = "default: ${DEFAULT-VALUE}")
    List<Integer> beamSizes = List.of(1, 4);

    @Option(names = "--variants", split = ",", description = "of FULL, FLOAT32, INT8 (default: all)")
    List<Variant> variants = List.of(Variant.FULL, Variant.FLOAT32, Variant.INT8);

    @Mixin
    SteadyState steady = new SteadyState(12);

    @Option(names = "--threads", description = "ORT intra-op threads = torch threads (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--quality", description = "TSV of source and reference: BLEU and chrF of each precision "
            + "(beam and length penalty as the model's defaults)")
    List<Path> qualitySets = List.of();

    @Option(names = "--checkpoint", description = "PyTorch checkpoint (default: MODEL/checkpoint.pt)")
    Path checkpoint;

    @Option(names = "--tiny", description = "PyTorch side rebuilds the tiny test model from its seed")
    boolean tiny;

    @Option(names = "--no-torch", description = "skip PyTorch eager (the sgemm peak is still measured)")
    boolean noTorch;

    @Option(names = "--python", description = "default: ${DEFAULT-VALUE}")
    String python = "/usr/bin/python3";

    private final String[] args;

    EngineBenchmark(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EngineBenchmark(args)).execute(args));
    }

    /** One measured configuration of one variant. */
    record Row(Variant variant, Measurement measurement) {
    }

    /** BLEU and chrF of one precision on one test set. */
    record Quality(Path set, Precision precision, int sentences, double bleu, double chrf) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path source = inputs.sentenceFile();
        List<String> sentences = inputs.read(count);
        Path sentenceList = Files.createTempFile("bench-sentences", ".txt");
        try {
            // Both engines read this exact list, so they translate the same sentences.
            Files.write(sentenceList, sentences, StandardCharsets.UTF_8);
            List<Row> java = new ArrayList<>();
            String modelName = null;
            double meanSourceTokens = 0;
            for (Variant variant : variants) {
                try (Translator translator = Translator.open(inputs.model(), settings(variant))) {
                    modelName = translator.manifest().modelId() + " " + translator.manifest().modelVersion();
                    meanSourceTokens = sentences.stream().mapToInt(s -> translator.tokenize(s).cost()).average()
                            .orElse(0);
                    JavaRunner runner = new JavaRunner(translator, steady);
                    for (int beam : beamSizes) {
                        for (int batch : batchSizes) {
                            Measurement m = runner.measure(sentences, beam, batch);
                            System.out.printf(Locale.ROOT, "%s, beam %d, batch %d: %.0f tok/s (%d warm-up runs, "
                                            + "spread %.1f%%)%n", variant.label, beam, batch, m.tokensPerSecond(),
                                    m.warmups(), 100 * m.spread());
                            java.add(new Row(variant, m));
                        }
                    }
                }
            }
            TorchRunner torch = new TorchRunner(python, Path.of("bench/torch_bench.py"), inputs.model(), checkpoint,
                    tiny, sentenceList, noTorch ? List.of() : batchSizes, noTorch ? List.of() : beamSizes, steady.repeats,
                    threads, noTorch);
            TorchRunner.Results torchResults = torch.run();
            List<Quality> quality = new ArrayList<>();
            for (Path set : qualitySets) {
                for (Precision precision : List.of(Precision.FLOAT32, Precision.INT8)) {
                    quality.add(quality(set, precision));
                }
            }
            double flopsPerToken = decoderFlopsPerToken(inputs.model().resolve("manifest.json"), meanSourceTokens);
            String report = render(modelName, source, sentences.size(), java, torchResults, flopsPerToken,
                    meanSourceTokens, quality, torch.commandLine());
            System.out.print(report);
            Path file = inputs.reportFile("engine");
            Files.writeString(file, report, StandardCharsets.UTF_8);
            System.out.println("written to " + file);
            return 0;
        } finally {
            Files.deleteIfExists(sentenceList);
        }
    }

    private SessionSettings settings(Variant variant) {
        return SessionSettings.DEFAULT.withThreads(threads, 1).withPrecision(variant.precision)
                .withTopK(variant.topK);
    }

    private Quality quality(Path set, Precision precision) throws IOException, InterruptedException {
        List<String> sources = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (String line : Files.readAllLines(set, StandardCharsets.UTF_8)) {
            String[] columns = line.split("\t");
            if (columns.length >= 2) {
                sources.add(columns[0]);
                references.add(columns[1]);
            }
        }
        List<String> hypotheses = new ArrayList<>();
        try (Translator translator = Translator.open(inputs.model(), SessionSettings.DEFAULT
                .withThreads(threads, 1).withPrecision(precision))) {
            for (TranslationOutcome outcome : translator.translateBatch(sources, translator.defaultOptions())) {
                hypotheses.add(outcome.isSuccess() ? outcome.result().text() : "");
            }
        }
        Path hypothesisFile = Files.createTempFile("bench-hypotheses", ".txt");
        Path referenceFile = Files.createTempFile("bench-references", ".txt");
        try {
            Files.write(hypothesisFile, hypotheses, StandardCharsets.UTF_8);
            Files.write(referenceFile, references, StandardCharsets.UTF_8);
            Process score = new ProcessBuilder(python, "bench/score.py", "--hypotheses", hypothesisFile.toString(),
                    "--references", referenceFile.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String json = new String(score.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (score.waitFor() != 0) {
                throw new IOException("bench/score.py failed on " + set);
            }
            JsonNode scores = new ObjectMapper().readTree(json);
            System.out.printf(Locale.ROOT, "%s on %s: BLEU %.2f chrF %.2f%n", precision.key(), set,
                    scores.path("bleu").asDouble(), scores.path("chrf").asDouble());
            return new Quality(set, precision, scores.path("sentences").asInt(), scores.path("bleu").asDouble(),
                    scores.path("chrf").asDouble());
        } finally {
            Files.deleteIfExists(hypothesisFile);
            Files.deleteIfExists(referenceFile);
        }
    }

    /**
     * Floating-point operations of one decoder step for one row, from the manifest's model config: the GRU
     * (3 gates over input and state), the attention query, scores and context over {@code sourceLength}
     * positions, the combination layer and the output layer, at 2 FLOP per multiply-add.
     */
    static double decoderFlopsPerToken(Path manifest, double sourceLength) throws IOException {
        JsonNode config = new ObjectMapper().readTree(manifest.toFile()).path("model").path("config");
        double e = config.path("embedding").asDouble();
        double h = config.path("decoder_hidden").asDouble();
        double m = 2 * config.path("encoder_hidden").asDouble();
        double v = config.path("target_vocab").asDouble();
        double multiplyAdds = 3 * h * (e + h) + h * m + 2 * sourceLength * m + (m + h) * e + e * v;
        return 2 * multiplyAdds;
    }

    private String render(String modelName, Path source, int sentences, List<Row> java, TorchRunner.Results torch,
                          double flopsPerToken, double meanSourceTokens, List<Quality> quality,
                          String torchCommand) {
        StringBuilder out = new StringBuilder("# Java engine: variants, PyTorch eager, the sgemm bound\n\n");
        out.append(String.format(Locale.ROOT, "Model %s (%s), first %d sentences of %s (%.1f source subwords on "
                        + "average), %d threads (ORT intra-op, torch.set_num_threads), %d cores. Each Java figure "
                        + "is the median of %d timed runs after warm-up runs repeated until the last three agreed "
                        + "within %.0f%% (count and spread of the timed runs below). Tokens are target subwords, "
                        + "EOS excluded. Batch is how many sentences decode at once: the engine and PyTorch greedy "
                        + "decode length-sorted sub-batches of that many, each to its longest output; PyTorch beam is "
                        + "decode.beam, one sentence at a time.%n%n", modelName,
                inputs.model(), sentences, source, meanSourceTokens, threads,
                Runtime.getRuntime().availableProcessors(), steady.repeats, 100 * steady.tolerance));
        out.append("| decoding | batch |");
        for (Variant variant : variants) {
            out.append(' ').append(variant.label).append(" tok/s |");
        }
        out.append(" PyTorch tok/s | warm-up runs | spread |\n|---|---:|");
        out.append("---:|".repeat(variants.size())).append("---:|---|---|\n");
        for (int beam : beamSizes) {
            for (int batch : batchSizes) {
                out.append(String.format(Locale.ROOT, "| %s | %d |", beam == 1 ? "greedy" : "beam " + beam, batch));
                List<String> warmups = new ArrayList<>();
                List<String> spreads = new ArrayList<>();
                for (Variant variant : variants) {
                    Measurement m = find(java, variant, beam, batch);
                    out.append(String.format(Locale.ROOT, " %.0f |", m.tokensPerSecond()));
                    warmups.add(Integer.toString(m.warmups()));
                    spreads.add(String.format(Locale.ROOT, "%.1f%%", 100 * m.spread()));
                }
                Measurement t = torch.measurements().stream().filter(m -> m.beam() == beam && m.batch() == batch)
                        .findFirst().orElse(null);
                out.append(t == null ? " n/a |" : String.format(Locale.ROOT, " %.0f |", t.tokensPerSecond()));
                out.append(' ').append(String.join(", ", warmups)).append(" | ").append(String.join(", ", spreads))
                        .append(" |\n");
            }
        }
        out.append(ratios(java, torch, flopsPerToken));
        if (!quality.isEmpty()) {
            out.append("\nQuality of each precision (the model's default decoding), sacreBLEU's definitions "
                    + "(bench/score.py):\n\n| test set | sentences | precision | BLEU | chrF |\n"
                    + "|---|---:|---|---:|---:|\n");
            for (Quality q : quality) {
                out.append(String.format(Locale.ROOT, "| %s | %d | %s | %.2f | %.2f |%n", q.set(), q.sentences(),
                        q.precision().key(), q.bleu(), q.chrf()));
            }
        }
        out.append("\nCommand (from the repository root):\n\n    mvn -q install -DskipTests && mvn -q -pl bench "
                + "exec:java -Dexec.args=\"").append(String.join(" ", args)).append("\"\n\nPyTorch side and the "
                + "sgemm peak, launched by it (its --sentences file is a temporary copy of those sentences):\n\n    ")
                .append(torchCommand).append('\n');
        return out.toString();
    }

    private String ratios(List<Row> java, TorchRunner.Results torch, double flopsPerToken) {
        Map<String, String> lines = new LinkedHashMap<>();
        double bound = torch.sgemmGflops() * 1e9 / flopsPerToken;
        lines.put("sgemm peak (torch.mm, " + threads + " threads)", String.format(Locale.ROOT, "%.1f GFLOP/s",
                torch.sgemmGflops()));
        lines.put("decoder FLOP per target token", String.format(Locale.ROOT, "%.2f M", flopsPerToken / 1e6));
        lines.put("greedy bound = peak / FLOP per token", String.format(Locale.ROOT, "%.0f tok/s", bound));
        int largest = batchSizes.stream().mapToInt(Integer::intValue).max().orElse(1);
        int smallest = batchSizes.stream().mapToInt(Integer::intValue).min().orElse(1);
        for (Variant variant : variants) {
            Measurement greedy = beamSizes.contains(1) ? find(java, variant, 1, largest) : null;
            if (greedy != null) {
                lines.put(variant.label + ": greedy batch " + largest + " / bound", String.format(Locale.ROOT,
                        "%.1f%%", 100 * greedy.tokensPerSecond() / bound));
                if (smallest < largest) {
                    lines.put(variant.label + ": greedy batch " + largest + " / batch " + smallest, String.format(
                            Locale.ROOT, "%.2fx", greedy.tokensPerSecond()
                                    / find(java, variant, 1, smallest).tokensPerSecond()));
                }
            }
        }
        if (beamSizes.contains(4) && batchSizes.contains(64)) {
            for (Variant variant : variants) {
                lines.put(variant.label + ": beam 4 batch 64 / the earlier engine's " + (int) EARLIER_BEAM4_BATCH64
                        + " tok/s", String.format(Locale.ROOT, "%.2fx",
                        find(java, variant, 4, 64).tokensPerSecond() / EARLIER_BEAM4_BATCH64));
            }
        }
        if (variants.contains(Variant.INT8) && variants.contains(Variant.FLOAT32)) {
            for (int beam : beamSizes) {
                lines.put("int8 / float32, " + (beam == 1 ? "greedy" : "beam " + beam) + " batch " + largest,
                        String.format(Locale.ROOT, "%.2fx", find(java, Variant.INT8, beam, largest).tokensPerSecond()
                                / find(java, Variant.FLOAT32, beam, largest).tokensPerSecond()));
            }
        }
        if (variants.contains(Variant.FULL) && variants.contains(Variant.FLOAT32)) {
            for (int beam : beamSizes) {
                lines.put("top-k step / full distribution, " + (beam == 1 ? "greedy" : "beam " + beam) + " batch "
                        + largest, String.format(Locale.ROOT, "%.2fx", find(java, Variant.FLOAT32, beam, largest)
                        .tokensPerSecond() / find(java, Variant.FULL, beam, largest).tokensPerSecond()));
            }
        }
        StringBuilder out = new StringBuilder("\n| ratio | value |\n|---|---:|\n");
        lines.forEach((name, value) -> out.append("| ").append(name).append(" | ").append(value).append(" |\n"));
        return out.toString();
    }

    private static Measurement find(List<Row> rows, Variant variant, int beam, int batch) {
        return rows.stream().filter(r -> r.variant() == variant && r.measurement().beam() == beam
                && r.measurement().batch() == batch).map(Row::measurement).findFirst().orElseThrow();
    }
}
