package io.streamlate.bench;

import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.schemas.alignment.ContextBitCounter;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.schemas.alignment.StartingProbabilities;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Regenerates format v2's starting probabilities (schemas/README.md, "Starting probabilities"): translates the
 * first N sentences of the dev set with the default options, counts the bits the encoder's own row coding codes
 * per context over their attention ({@link ContextBitCounter}), and prints the table in the README's form and as
 * RowContexts' constants, then where it differs from the format's table. The format's table was trained under
 * keep policy 980/16, the default then, so that is this tool's default too, not {@link KeepPolicy#DEFAULT}.
 * Run from the repository root with {@link #COMMAND}.
 */
@Command(name = "codec-table-trainer", mixinStandardHelpOptions = true,
        description = "Trains attention codec v2's starting probabilities on a model's attention; exits 0 when"
                + " they are the format's table, 1 when they differ.")
public final class CodecTableTrainer implements Callable<Integer> {

    static final String COMMAND = "mvn -q -pl schemas,model -am install -DskipTests"
            + " && mvn -q -pl bench compile exec:java -Dexec.mainClass=io.streamlate.bench.CodecTableTrainer";

    /** The policy format v2's table was trained under (bench/results/alignment-codec-v2-2026-11-21.md). */
    static final KeepPolicy TRAINED_UNDER = new KeepPolicy(980, 16);

    @Mixin
    BenchmarkInputs inputs = new BenchmarkInputs();

    @Option(names = "-n", description = "first N sentences (default: ${DEFAULT-VALUE})")
    int count = 1000;

    @Option(names = "--mass-permille", description = "share of each row's mass to keep (default: ${DEFAULT-VALUE},"
            + " the table's)")
    int massPermille = TRAINED_UNDER.massPermille();

    @Option(names = "--max-kept", description = "most weights kept per row (default: ${DEFAULT-VALUE}, the table's)")
    int maxKept = TRAINED_UNDER.maxKept();

    @Option(names = "--threads", description = "ORT intra-op threads for translating (default: ${DEFAULT-VALUE})")
    int threads = 2;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CodecTableTrainer()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Path source = inputs.sentenceFile(BenchmarkInputs.DEV_SET);
        List<String> sentences = inputs.read(count, BenchmarkInputs.DEV_SET);
        KeepPolicy policy = new KeepPolicy(massPermille, maxKept);
        ContextBitCounter counter = new ContextBitCounter(policy);
        int matrices;
        String modelName;
        try (Translator translator = Translator.open(inputs.model(), SessionSettings.DEFAULT.withThreads(threads, 1))) {
            modelName = translator.manifest().modelId() + " " + translator.manifest().modelVersion();
            List<float[][]> attention = translator.translateBatch(sentences, translator.defaultOptions()).stream()
                    .filter(TranslationOutcome::isSuccess)
                    .map(outcome -> outcome.result().attention())
                    .toList();
            attention.forEach(counter::add);
            matrices = attention.size();
        }
        List<StartingProbabilities> trained = counter.table();
        List<StartingProbabilities> format = ContextBitCounter.formatTable();
        List<String> differences = CodecTableText.differences(format, trained);
        System.out.println("Starting probabilities trained on the attention of " + matrices + " translations of the"
                + " first " + sentences.size() + " sentences of " + source + " by " + modelName + ", keep policy "
                + massPermille + "/" + maxKept + ".\n");
        System.out.println("schemas/README.md:\n\n" + CodecTableText.readme(trained));
        System.out.println("RowContexts:\n\n" + CodecTableText.java(trained));
        if (differences.isEmpty()) {
            System.out.println("Identical to format v2's table (" + CodecTableText.cells(format) + " probabilities).");
            return 0;
        }
        System.out.println("Differs from format v2's table in " + differences.size() + " of "
                + CodecTableText.cells(format) + " probabilities (format -> trained): "
                + String.join(", ", differences));
        return 1;
    }
}
