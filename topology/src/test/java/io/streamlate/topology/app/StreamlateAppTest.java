package io.streamlate.topology.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's failures before anything starts: bad options are reported with exit code 2. */
class StreamlateAppTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private static final String TINY_MODEL = "../model/src/test/resources/tiny-en-fr";

    private int run(String... args) {
        return runWith(Map.of(), args);
    }

    private int runWith(Map<String, String> environment, String... args) {
        return StreamlateApp.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment);
    }

    private static final String[] CLUSTER = {"--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url",
            "http://127.0.0.1:1"};

    private int runOnCluster(String... args) {
        String[] all = java.util.Arrays.copyOf(CLUSTER, CLUSTER.length + args.length);
        System.arraycopy(args, 0, all, CLUSTER.length, args.length);
        return run(all);
    }

    @Test
    void withoutBootstrapServersItStopsNamingTheKeyAndTheLocalDemo() {
        assertThat(run("--model", TINY_MODEL)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bootstrap.servers").contains("is required")
                .contains("mvn -q -pl demo exec:java");
    }

    @Test
    void missingModelDirectoryIsNamedBeforeAnythingStarts() {
        assertThat(runOnCluster("--model", "no/such/model")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no/such/model")
                .contains("streamlate.models").contains("is not a directory");
    }

    @Test
    void modelDirectoryWithoutManifestIsNamed(@TempDir Path empty) {
        assertThat(runOnCluster("--model", empty.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no manifest.json");
    }

    @Test
    void badProcessingGuaranteeIsNamed() {
        assertThat(run("--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1",
                "--processing-guarantee", "exactly_once", "--model", TINY_MODEL))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("processing.guarantee").contains("exactly_once");
    }

    @Test
    void missingConfigFileIsNamed(@TempDir Path directory) {
        Path missing = directory.resolve("absent.properties");
        assertThat(runOnCluster("--config", missing.toString(), "--model", TINY_MODEL))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(missing.toString());
    }

    @Test
    void theEnvironmentSelectsTheClusterAndItsBadValuesAreNamed() {
        Map<String, String> environment = Map.of("STREAMLATE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "STREAMLATE_KAFKA_SCHEMA_REGISTRY_URL", "http://127.0.0.1:1",
                "STREAMLATE_BATCH_WORKERS", "0");
        assertThat(runWith(environment, "--model", TINY_MODEL)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("streamlate.batch.workers");
    }

    @Test
    void theCommandLineOverridesTheEnvironment() {
        Map<String, String> environment = Map.of("STREAMLATE_MODELS", "no/such/model");
        assertThat(runWith(environment, CLUSTER[0], CLUSTER[1], CLUSTER[2], CLUSTER[3], "--set",
                "streamlate.models=also/missing")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("also/missing").doesNotContain("no/such/model");
    }

    @Test
    void helpListsTheOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--bootstrap-servers", "--schema-registry-url",
                "--config", "--set", "--application-id", "--processing-guarantee", "--model", "--device", "--threads",
                "--http-port", "translate", "align", "alignments");
    }

    @Test
    void theAlignmentsSubcommandIsRegistered() {
        assertThat(run("alignments", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: streamlate alignments", "--follow",
                "--file", "--format");
    }
}
