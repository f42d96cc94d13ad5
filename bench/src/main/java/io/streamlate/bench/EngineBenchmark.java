package io.streamlate.bench;

import io.streamlate.model.Translator;
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
import java.util.concurrent.Callable;

/**
 * Throughput of the Java engine against PyTorch eager on the same checkpoint, sentences, batch sizes and
 * thread count, in one run; writes bench/results/engine-DATE.md. Run from the repository root:
 * {@code mvn -q -pl model -am install -DskipTests && mvn -q -pl bench exec:java -Dexec.args="..."}.
 */
@Command(name = "engine-benchmark", mixinStandardHelpOptions = true,
        description = "Sentences/s and target tokens/s of the Java engine vs PyTorch eager.")
public final class EngineBenchmark implements Callable<Integer> {

    @Mixin
    BenchmarkInputs inputs = new BenchmarkInputs();

    @Option(names = "-n", description = "first N sentences (default: ${DEFAULT-VALUE})")
    int count = 500;

    @Option(names = "--batch-sizes", split = ",", description = "default: ${DEFAULT-VALUE}")
    List<Integer> batchSizes = List.of(1, 8, 32, 64);

    @Option(names = "--beam-sizes", split = ",", description = "default: ${DEFAULT-VALUE}")
    List<Integer> beamSizes = List.of(1, 4);

    @Option(names = "--repeats", description = "repeats per configuration, median reported (default: ${DEFAULT-VALUE})")
    int repeats = 3;

    @Option(names = "--threads", description = "ORT intra-op threads = torch threads (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--checkpoint", description = "PyTorch checkpoint (default: MODEL/checkpoint.pt)")
    Path checkpoint;

    @Option(names = "--tiny", description = "PyTorch side rebuilds the tiny test model from its seed")
    boolean tiny;

    @Option(names = "--python", description = "default: ${DEFAULT-VALUE}")
    String python = "/usr/bin/python3";

    private final String[] args;

    EngineBenchmark(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EngineBenchmark(args)).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path source = inputs.sentenceFile();
        List<String> sentences = inputs.read(count);
        Path sentenceList = Files.createTempFile("bench-sentences", ".txt");
        try {
            // Both engines read this exact list, so they translate the same sentences.
            Files.write(sentenceList, sentences, StandardCharsets.UTF_8);
            List<Measurement> java = new ArrayList<>();
            String modelName;
            try (Translator translator = Translator.open(inputs.model(), SessionSettings.DEFAULT.withThreads(threads, 1))) {
                modelName = translator.manifest().modelId() + " " + translator.manifest().modelVersion();
                JavaRunner runner = new JavaRunner(translator);
                for (int beam : beamSizes) {
                    for (int batch : batchSizes) {
                        Measurement m = runner.measure(sentences, beam, batch, repeats);
                        System.out.printf("java  beam %d batch %d: %.1f sent/s%n", beam, batch, m.sentencesPerSecond());
                        java.add(m);
                    }
                }
            }
            TorchRunner torch = new TorchRunner(python, Path.of("bench/torch_bench.py"), inputs.model(), checkpoint, tiny,
                    sentenceList, batchSizes, beamSizes, repeats, threads);
            List<Measurement> torchResults = torch.run();
            String table = ReportTable.render(java, torchResults);
            System.out.print(table);
            Path report = writeReport(table, modelName, source, sentences.size(), torch.commandLine());
            System.out.println("written to " + report);
            return 0;
        } finally {
            Files.deleteIfExists(sentenceList);
        }
    }

    private Path writeReport(String table, String modelName, Path source, int sentences, String torchCommand)
            throws IOException {
        Path report = inputs.reportFile("engine");
        String text = "# Java engine vs PyTorch eager\n\n"
                + "Model " + modelName + " (" + inputs.model() + "), first " + sentences + " sentences of " + source
                + ", " + threads + " threads on both sides (ORT intra-op, torch.set_num_threads), median of "
                + repeats + " repeats after a warm-up; " + Runtime.getRuntime().availableProcessors()
                + " cores. Tokens are target subwords, EOS excluded. PyTorch beam is decode.beam, one sentence at "
                + "a time, so its numbers do not depend on the batch size.\n\n"
                + table + "\n"
                + "Command (from the repository root):\n\n"
                + "    mvn -q -pl model -am install -DskipTests && mvn -q -pl bench exec:java -Dexec.args=\""
                + String.join(" ", args) + "\"\n\n"
                + "PyTorch side, launched by it (its --sentences file is a temporary copy of those sentences):\n\n    "
                + torchCommand + "\n";
        Files.writeString(report, text, StandardCharsets.UTF_8);
        return report;
    }
}
