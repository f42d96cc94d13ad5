package io.streamlate.bench;

import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.schemas.alignment.AttentionDecoder;
import io.streamlate.schemas.alignment.AttentionEncoder;
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

/**
 * Size, loss and speed of the compressed attention codec on the attention a real model produces; writes
 * bench/results/alignment-codec-DATE.md. Run from the repository root with {@link #COMMAND}.
 */
@Command(name = "alignment-codec-benchmark", mixinStandardHelpOptions = true,
        description = "Bytes per token, error and speed of the attention codec on a model's attention.")
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
        AttentionEncoder encoder = new AttentionEncoder(new KeepPolicy(massPermille, maxKept));
        List<byte[]> payloads = matrices.stream().map(encoder::encode).toList();
        CodecQuality quality = CodecQuality.measure(matrices,
                payloads.stream().map(AttentionDecoder::decode).toList(), payloads);
        CodecSpeed speed = CodecSpeed.measure(encoder, matrices, payloads, quality.float32Bytes(), repeats);
        String table = CodecReport.render(quality, speed);
        System.out.print(table);
        Path report = writeReport(table, modelName, source, sentences.size());
        System.out.println("written to " + report);
        return quality.argmaxSurvival() == 1.0 ? 0 : 1;
    }

    private Path writeReport(String table, String modelName, Path source, int sentences) throws IOException {
        Path report = inputs.reportFile("alignment-codec");
        String text = "# Attention codec on " + modelName + "\n\n"
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
