package io.streamlate.bench;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * What every benchmark reads and writes, as one picocli mixin: the model, the sentences (the first N of a corpus
 * TSV, source in the first column, or of a file with one sentence per line) and where the report goes.
 */
final class BenchmarkInputs {

    /** The committed software test slice: on every clone, and never in training or tuning. */
    static final Path TEST_SET = Path.of("model/training/testsets/software.tsv");
    static final Path DEV_SET = Path.of("model/training/work/corpus/dev.tsv");

    @Option(names = "--model", description = "model directory (default: ${DEFAULT-VALUE})")
    Path model = Path.of("model/artifacts/en-fr");

    @Option(names = "--sentences", description = "sentence file (TSV source column or plain lines); "
            + "default: model/training/testsets/software.tsv, model/training/work/corpus/dev.tsv for CodecTableTrainer")
    Path sentencesFile;

    @Option(names = "--out", description = "results directory (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench/results");

    @Option(names = "--label", description = "appended to the report's name, NAME-DATE-LABEL.md, so that two runs "
            + "of one benchmark on a day keep both reports")
    String label;

    Path model() {
        return model;
    }

    Path sentenceFile() {
        return sentenceFile(TEST_SET);
    }

    /** @param fallback the file a benchmark reads when --sentences is not given */
    Path sentenceFile(Path fallback) {
        return sentencesFile != null ? sentencesFile : fallback;
    }

    List<String> read(int limit) throws IOException {
        return read(limit, TEST_SET);
    }

    List<String> read(int limit, Path fallback) throws IOException {
        return Files.readAllLines(sentenceFile(fallback), StandardCharsets.UTF_8).stream()
                .map(line -> line.split("\t", 2)[0])
                .filter(line -> !line.isBlank())
                .limit(limit)
                .toList();
    }

    /** bench/results/NAME-DATE.md, or NAME-DATE-LABEL.md with --label (under --out), its directory created. */
    Path reportFile(String name) throws IOException {
        Files.createDirectories(out);
        return out.resolve(name + "-" + LocalDate.now() + (label == null ? "" : "-" + label) + ".md");
    }
}
