package io.streamlate.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamlate.model.Translator;
import io.streamlate.model.manifest.GraphRole;
import io.streamlate.model.manifest.GraphRole.Roles;
import io.streamlate.model.manifest.GraphSpec;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.Precision;
import io.streamlate.model.onnx.SessionSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;

/**
 * Where the engine's time goes against what its own graphs can do: for each batch size, the engine's greedy
 * tokens/s on the test sentences beside the bare top-k decoder step and the encoder run alone in ONNX Runtime on
 * inputs of the sentences' mean source length (random ids and states: the cost of a run does not depend on the
 * values). The ratio engine / bare step is the share of the graph's speed the engine keeps; the rest is the
 * encoder, padding, the steps that run for the longest sentence of a batch, and Java. Run from the repository
 * root: {@code mvn -q install -DskipTests && mvn -q -pl bench exec:java
 * -Dexec.mainClass=io.streamlate.bench.GraphBenchmark}.
 */
@Command(name = "graph-benchmark", mixinStandardHelpOptions = true,
        description = "The engine's greedy speed against its bare decoder step and encoder, per batch size.")
public final class GraphBenchmark implements Callable<Integer> {

    @Mixin
    BenchmarkInputs inputs;

    @Mixin
    SteadyState steady = new SteadyState(8);

    @Option(names = "-n", description = "first N sentences (default: ${DEFAULT-VALUE})")
    int count = 120;

    @Option(names = "--batch-sizes", split = ",", description = "default: ${DEFAULT-VALUE}")
    List<Integer> batchSizes = List.of(1, 8, 32, 64);

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--steps", description = "decoder steps per timed run of the bare step (default: "
            + "${DEFAULT-VALUE})")
    int steps = 100;

    private final String[] args;

    GraphBenchmark(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new GraphBenchmark(args)).execute(args));
    }

    /**
     * One batch size: the engine (as configured by default, and with ONNX Runtime's threads spinning between runs),
     * the bare step and the bare encoder, each a median after warm-up.
     */
    record Row(int batch, Measurement engine, Measurement spinning, Timed step, Timed encoder) {
    }

    /** A median of timed runs: seconds per run, with the warm-up count and the spread of the timed runs. */
    record Timed(double seconds, int warmups, double spread) {
    }

    @Override
    public Integer call() throws IOException, OrtException {
        List<String> sentences = inputs.read(count);
        SessionSettings settings = SessionSettings.DEFAULT.withThreads(threads, 1).withTopK(true);
        List<Row> rows = new ArrayList<>();
        String modelName;
        int sourceLength;
        try (Translator translator = Translator.open(inputs.model(), settings);
             Translator spinningTranslator = Translator.open(inputs.model(), settings.withSpinWait(true))) {
            Manifest manifest = translator.manifest();
            modelName = manifest.modelId() + " " + manifest.modelVersion();
            sourceLength = (int) Math.round(sentences.stream().mapToInt(s -> translator.tokenize(s).cost())
                    .average().orElse(1));
            JavaRunner engine = new JavaRunner(translator, steady);
            JavaRunner spinningEngine = new JavaRunner(spinningTranslator, steady);
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                try (OrtSession step = environment.createSession(manifest.graphFile(GraphRole.DECODER_STEP_TOP_K,
                        Precision.FLOAT32).toString(), options);
                     OrtSession encoder = environment.createSession(manifest.graphFile(GraphRole.ENCODER)
                             .toString(), options)) {
                    for (int batch : batchSizes) {
                        Measurement measured = engine.measure(sentences, 1, batch);
                        Measurement spinning = spinningEngine.measure(sentences, 1, batch);
                        Timed bareStep = timeStep(environment, step, manifest, batch, sourceLength);
                        Timed bareEncoder = timeEncoder(environment, encoder, manifest, batch, sourceLength);
                        System.out.printf(Locale.ROOT, "batch %d: engine %.0f tok/s (spinning %.0f), bare step %.3f "
                                        + "ms, bare encoder %.3f ms%n", batch, measured.tokensPerSecond(),
                                spinning.tokensPerSecond(), 1000 * bareStep.seconds(), 1000 * bareEncoder.seconds());
                        rows.add(new Row(batch, measured, spinning, bareStep, bareEncoder));
                    }
                }
            }
        }
        double flopsPerToken = EngineBenchmark.decoderFlopsPerToken(inputs.model().resolve("manifest.json"),
                sourceLength);
        String report = render(modelName, sentences.size(), sourceLength, flopsPerToken, rows);
        System.out.print(report);
        Path file = inputs.reportFile("graph");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("written to " + file);
        return 0;
    }

    private Timed timeStep(OrtEnvironment environment, OrtSession session, Manifest manifest, int batch,
                           int sourceLength) throws OrtException {
        GraphSpec spec = manifest.graph(GraphRole.DECODER_STEP_TOP_K);
        int hidden = spec.input(Roles.DECODER_STATE).shape().get(1).fixedSize().intValue();
        int memory = spec.input(Roles.MEMORY).shape().get(2).fixedSize().intValue();
        Random random = new Random(7);
        long[] ids = random.longs(batch, 4, manifest.targetVocabularySize()).toArray();
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put(spec.input(Roles.PREVIOUS_IDS).name(), OnnxTensor.createTensor(environment,
                    LongBuffer.wrap(ids), new long[] {batch}));
            feed.put(spec.input(Roles.DECODER_STATE).name(), OnnxTensor.createTensor(environment,
                    gaussian(random, batch * hidden), new long[] {batch, hidden}));
            feed.put(spec.input(Roles.MEMORY).name(), OnnxTensor.createTensor(environment,
                    gaussian(random, batch * sourceLength * memory), new long[] {batch, sourceLength, memory}));
            float[] mask = new float[batch * sourceLength];
            Arrays.fill(mask, 1f);
            feed.put(spec.input(Roles.SOURCE_MASK).name(), OnnxTensor.createTensor(environment,
                    FloatBuffer.wrap(mask), new long[] {batch, sourceLength}));
            feed.put(spec.input(Roles.K).name(), OnnxTensor.createTensor(environment, LongBuffer.wrap(
                    new long[] {1}), new long[] {1}));
            return time(() -> runs(session, feed, steps) / steps);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private Timed timeEncoder(OrtEnvironment environment, OrtSession session, Manifest manifest, int batch,
                              int sourceLength) throws OrtException {
        GraphSpec spec = manifest.graph(GraphRole.ENCODER);
        Random random = new Random(11);
        long[] ids = random.longs((long) batch * sourceLength, 4, manifest.targetVocabularySize()).toArray();
        long[] lengths = new long[batch];
        Arrays.fill(lengths, sourceLength);
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put(spec.input(Roles.SOURCE_IDS).name(), OnnxTensor.createTensor(environment, LongBuffer.wrap(ids),
                    new long[] {batch, sourceLength}));
            feed.put(spec.input(Roles.SOURCE_LENGTHS).name(), OnnxTensor.createTensor(environment,
                    LongBuffer.wrap(lengths), new long[] {batch}));
            int runs = Math.max(1, steps / 10);
            return time(() -> runs(session, feed, runs) / runs);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private Timed time(DoubleSupplier run) {
        List<Double> warm = new ArrayList<>();
        while (steady.needsWarmup(warm)) {
            warm.add(run.getAsDouble());
        }
        List<Double> timed = new ArrayList<>();
        for (int r = 0; r < steady.repeats; r++) {
            timed.add(run.getAsDouble());
        }
        return new Timed(JavaRunner.median(timed), warm.size(), SteadyState.spread(timed));
    }

    /** Seconds for {@code count} runs of the session on the same feed. */
    private static double runs(OrtSession session, Map<String, OnnxTensor> feed, int count) {
        long began = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                session.run(feed).close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
        return (System.nanoTime() - began) / 1e9;
    }

    private static FloatBuffer gaussian(Random random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) (0.1 * random.nextGaussian());
        }
        return FloatBuffer.wrap(values);
    }

    private String render(String modelName, int sentences, int sourceLength, double flopsPerToken, List<Row> rows) {
        StringBuilder out = new StringBuilder("# The engine against its own graphs\n\n");
        out.append(String.format(Locale.ROOT, "Model %s (%s), first %d sentences of %s, greedy, %d ORT threads, "
                        + "2 cores. "
                        + "The bare graphs run on inputs of the sentences' mean source length (%d subwords). Each "
                        + "figure is a median of %d timed runs after warm-up runs repeated until the last three "
                        + "agreed within %.0f%%. Decoder FLOP per target token: %.2f M. The engine runs as configured "
                        + "by default (ONNX Runtime's threads sleep between runs) and, in the same run, with its "
                        + "threads spinning (ONNX Runtime's own default).%n%n", modelName, inputs.model(),
                sentences, inputs.sentenceFile(), threads, sourceLength, steady.repeats, 100 * steady.tolerance,
                flopsPerToken / 1e6));
        out.append("| batch | engine tok/s | spinning engine tok/s | engine / spinning | bare step ms | bare step "
                + "tok/s | bare step GFLOP/s | engine / bare step | bare encoder ms (batch × mean length) | warm-up "
                + "runs (engine, spinning, step, encoder) |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row row : rows) {
            double stepTokens = row.batch() / row.step().seconds();
            out.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.2f | %.3f | %.0f | %.1f | %.2f | %.3f "
                            + "| %d, %d, %d, %d |%n", row.batch(), row.engine().tokensPerSecond(),
                    row.spinning().tokensPerSecond(), row.engine().tokensPerSecond()
                            / row.spinning().tokensPerSecond(), 1000 * row.step().seconds(), stepTokens,
                    stepTokens * flopsPerToken / 1e9, row.engine().tokensPerSecond() / stepTokens,
                    1000 * row.encoder().seconds(), row.engine().warmups(), row.spinning().warmups(),
                    row.step().warmups(), row.encoder().warmups()));
        }
        out.append("\nCommand (from the repository root):\n\n    mvn -q install -DskipTests && mvn -q -pl bench "
                + "exec:java -Dexec.mainClass=io.streamlate.bench.GraphBenchmark -Dexec.args=\"")
                .append(String.join(" ", args)).append("\"\n");
        return out.toString();
    }
}
