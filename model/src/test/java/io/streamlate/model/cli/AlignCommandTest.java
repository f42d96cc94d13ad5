package io.streamlate.model.cli;

import io.streamlate.model.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AlignCommandTest {

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String stdin, String... args) {
        CommandLine command = new CommandLine(new AlignCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    @Test
    void writesOnePharaohLinePerInputLineAndAnEmptyLineWithTheReasonForEachFailure() throws Exception {
        Path scores = temp.resolve("scores.txt");
        String input = "I love you . ||| je t' aime .\n"
                + "no separator here\n"
                + "   ||| vide\n"
                + "Open the file.|||Ouvrir le fichier.\n";

        int exit = run(input, "--model", TestModels.TINY.toString(), "--scores", scores.toString());

        assertThat(exit).isEqualTo(1);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("[0-3]-[0-3]( [0-3]-[0-3])*");
        assertThat(lines.get(1)).isEmpty();
        assertThat(lines.get(2)).isEmpty();
        assertThat(lines.get(3)).matches("[0-2]-[0-2]( [0-2]-[0-2])*");
        assertThat(err.toString()).contains("line 2: not 'source ||| target'")
                .contains("line 3: EMPTY_INPUT: the source is empty");
        List<String> scoreLines = Files.readAllLines(scores);
        assertThat(scoreLines).hasSize(4);
        assertThat(Double.parseDouble(scoreLines.get(0))).isNegative();
        assertThat(scoreLines.get(1)).isEmpty();
    }

    @Test
    void heatmapsGoToStderrAndPngsToTheirDirectorySoStdoutStaysPharaoh() throws Exception {
        Path pngs = temp.resolve("png");
        Path input = Files.writeString(temp.resolve("pairs.txt"), "Save ||| Enregistrer\n", StandardCharsets.UTF_8);

        int exit = run("", "--model", TestModels.TINY.toString(), "--heatmap", "--png", pngs.toString(),
                "--links", "argmax+threshold=0.3", input.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString().lines().toList()).singleElement().asString().matches("0-0");
        assertThat(err.toString()).contains("line 1: Save ||| Enregistrer").contains("|▁");
        assertThat(pngs.resolve("pair-001.png")).isNotEmptyFile();
    }

    @Test
    void aBadLinkRuleIsAUsageError() {
        int exit = run("", "--model", TestModels.TINY.toString(), "--links", "nearest");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("link rule 'nearest' is not");
    }
}
