package io.streamlate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The first N source sentences of a file: a corpus TSV (source in the first column) or one sentence per line. */
final class BenchmarkSentences {

    static final Path TEST_SET = Path.of("model/training/work/corpus/test.tsv");

    private BenchmarkSentences() {
    }

    static List<String> read(Path file, int limit) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(line -> line.split("\t", 2)[0])
                .filter(line -> !line.isBlank())
                .limit(limit)
                .toList();
    }
}
