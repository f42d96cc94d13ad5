package io.streamlate.model.cli;

import io.streamlate.model.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TranslateCommandTest {

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String stdin, String... args) {
        CommandLine command = new CommandLine(new TranslateCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    @Test
    void translatesFileWithAlignmentHeatmapAndPng() throws Exception {
        Path input = Files.writeString(temp.resolve("in.txt"), "I love you.\nSave\n");
        Path pngs = temp.resolve("png");

        int exit = run("", "--model", TestModels.TINY.toString(), "--beam", "1", "--heatmap",
                "--png", pngs.toString(), input.toString());

        assertThat(exit).as(err.toString()).isZero();
        List<String> lines = Arrays.asList(out.toString().split("\n"));
        assertThat(lines).filteredOn(l -> l.startsWith("target: ")).hasSize(2);
        assertThat(lines).filteredOn(l -> l.startsWith("align:  ")).hasSize(2)
                .allSatisfy(l -> assertThat(l.substring(8)).matches("\\d+-\\d+( \\d+-\\d+)*"));
        // heatmap header: source pieces of "I love you." as columns
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("|▁I ").contains("▁you"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(".* \\|[ .:\\-=+*#%@]+"));
        for (String name : List.of("sentence-001.png", "sentence-002.png")) {
            BufferedImage image = ImageIO.read(pngs.resolve(name).toFile());
            assertThat(image.getWidth()).isGreaterThan(50);
            assertThat(image.getHeight()).isGreaterThan(50);
        }
    }

    @Test
    void readsStdinAndReportsEmptyLinesWithoutStopping() {
        int exit = run("Save\n\nI love you.\n", "--model", TestModels.TINY.toString(), "--beam", "2");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("error:  EMPTY_INPUT");
        assertThat(out.toString().split("\n")).filteredOn(l -> l.startsWith("target: ")).hasSize(2);
    }

    @Test
    void missingModelIsReportedWithExitCode2() {
        int exit = run("Save\n", "--model", temp.resolve("nowhere").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("MODEL_INVALID").contains("no manifest.json");
    }
}
