package io.streamlate.bench;

import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.schemas.alignment.KeepPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Size, loss and speed of the compressed attention codec, format v2 beside v1 on the same matrices, on the
 * attention a real model produces, and optionally the size and loss of both under other keep policies; writes
 * bench/results/alignment-codec-v2-DATE.md. Run from the repository root with {@link #COMMAND}.
 */
@Command(name = "alignment-codec-benchmark", mixinStandardHelpOptions = true,
        description = "Bytes per token, error and speed of attention codec v2 beside v1 on a model's attention.")
public final class AlignmentCodecBenchmark implements Callable<Integer> {

    static final String COMMAND = "mvn -q -pl schemas,model -am install -DskipTests"
            + " && mvn -q -pl bench compile exec:java -Dexec.mainClass=io.streamlate.bench.AlignmentCodecBenchmark";

    @Mixin
    BenchmarkInputs inputs = new BenchmarkInputs();

    @Option(names = "-n", description = "first N sentences (default: ${DEFAULT-VALUE})")
    int count = 500;

    @Option(names = "--repeats", description = "timed repeats, median reported (default: ${DEFAULT-VALUE})")
    int repeats = 5;

    @Option(names = "--mass-permille", description = "share of each row's mass to keep (default: ${DEFAULT-VALUE})")
    int massPermille = KeepPolicy.DEFAULT.massPermille();

    @Option(names = "--max-kept", description = "most weights kept per row (default: ${DEFAULT-VALUE})")
    int maxKept = KeepPolicy.DEFAULT.maxKept();

    @Option(names = "--sweep", split = ",", converter = KeepPolicyConverter.class, paramLabel = "MASS/MAX",
            description = "also report size and loss of both formats under these keep policies, e.g. 950/8,900/6")
    List<KeepPolicy> sweep = List.of();

    @Option(names = "--threads", description = "ORT intra-op threads for translating (default: ${DEFAULT-VALUE})")
    int threads = 2;

    private final String[] args;

    AlignmentCodecBenchmark(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new AlignmentCodecBenchmark(args)).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Path source = inputs.sentenceFile();
        List<String> sentences = inputs.read(count);
        List<float[][]> matrices;
        String modelName;
        try (Translator translator = Translator.open(inputs.model(), SessionSettings.DEFAULT.withThreads(threads, 1))) {
            modelName = translator.manifest().modelId() + " " + translator.manifest().modelVersion();
            matrices = translator.translateBatch(sentences, translator.defaultOptions()).stream()
                    .filter(TranslationOutcome::isSuccess)
                    .map(outcome -> outcome.result().attention())
                    .toList();
        }
        KeepPolicy policy = new KeepPolicy(massPermille, maxKept);
        CodecRun v2 = CodecRun.measure(CodecFormat.V2, policy, matrices, repeats);
        CodecRun v1 = CodecRun.measure(CodecFormat.V1, policy, matrices, repeats);
        String table = CodecReport.render(v2, v1);
        List<CodecRun> sweepV2 = sweep.stream().map(p -> CodecRun.measure(CodecFormat.V2, p, matrices, 0)).toList();
        List<CodecRun> sweepV1 = sweep.stream().map(p -> CodecRun.measure(CodecFormat.V1, p, matrices, 0)).toList();
        if (!sweep.isEmpty()) {
            table += "\n## Keep-policy sweep (same matrices, no timing)\n\n" + CodecReport.sweep(sweepV2, sweepV1);
        }
        System.out.print(table);
        Path report = writeReport(table, modelName, source, sentences.size());
        System.out.println("written to " + report);
        boolean argmaxKept = Stream.of(List.of(v2, v1), sweepV2, sweepV1).flatMap(List::stream)
                .allMatch(run -> run.quality().argmaxSurvival() == 1.0);
        return argmaxKept ? 0 : 1;
    }

    private Path writeReport(String table, String modelName, Path source, int sentences) throws IOException {
        Path report = inputs.reportFile("alignment-codec-v2");
        String text = "# Attention codec v2 beside v1 on " + modelName + "\n\n"
                + "Attention of the default-options translations of the first " + sentences + " sentences of "
                + source + " (" + inputs.model() + "), keep policy " + massPermille + "‰ of each row's mass, at most "
                + maxKept + " weights; speed is the median of " + repeats + " repeats after a warm-up on "
                + Runtime.getRuntime().availableProcessors() + " cores, one thread. Format: schemas/README.md.\n\n"
                + table + "\n"
                + "Command (from the repository root):\n\n"
                + "    " + COMMAND + " -Dexec.args=\"" + String.join(" ", args) + "\"\n";
        Files.writeString(report, text, StandardCharsets.UTF_8);
        return report;
    }
}
