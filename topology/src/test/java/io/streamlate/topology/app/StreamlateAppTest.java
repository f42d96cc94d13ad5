package io.streamlate.topology.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's failures before anything starts: bad options are reported with exit code 2. */
class StreamlateAppTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return StreamlateApp.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void missingModelDirectoryIsNamedBeforeAnythingStarts() {
        assertThat(run("--demo-only", "--model", "no/such/model")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--model no/such/model: no such directory");
    }

    @Test
    void modelDirectoryWithoutManifestIsNamed(@TempDir Path empty) {
        assertThat(run("--demo-only", "--model", empty.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no manifest.json in it");
    }

    @Test
    void badProcessingGuaranteeIsNamed() {
        assertThat(run("--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1",
                "--processing-guarantee", "exactly_once", "--model", "../model/src/test/resources/tiny-en-fr"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("processing.guarantee").contains("exactly_once");
    }

    @Test
    void missingConfigFileIsNamed(@TempDir Path directory) {
        Path missing = directory.resolve("absent.properties");
        assertThat(run("--config", missing.toString(), "--model", "../model/src/test/resources/tiny-en-fr"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(missing.toString());
    }

    @Test
    void helpListsTheOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--bootstrap-servers", "--schema-registry-url",
                "--config", "--application-id", "--processing-guarantee", "--model", "--local", "--demo-only");
    }
}
