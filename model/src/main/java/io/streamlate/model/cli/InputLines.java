package io.streamlate.model.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A command's input lines, UTF-8: the file named on the command line, or standard input. */
final class InputLines {

    private InputLines() {
    }

    static List<String> read(Path file, InputStream stdin) throws IOException {
        if (file != null) {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        }
    }
}
