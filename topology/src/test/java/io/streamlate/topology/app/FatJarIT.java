package io.streamlate.topology.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar the container images wrap ({@code target/streamlate-all.jar}), run as an operator runs it:
 * {@code java -jar}, in a fresh JVM, through the whole local demo (in-process broker, Apicurio, the tiny model).
 * Proves the shading kept what the classpath build has (service files, native libraries, the SLF4J provider).
 */
class FatJarIT {

    private static final Path JAR = Path.of(System.getProperty("streamlate.jar", "target/streamlate-all.jar"));
    private static final String TINY_MODEL = "../model/src/test/resources/tiny-en-fr";

    private static Process java(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dmaven.repo.local=" + System.getProperty("maven.repo.local",
                System.getProperty("user.home") + "/.m2/repository"), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theJarRunsTheDemoAndExits() throws Exception {
        assertThat(JAR).isRegularFile();
        Path log = Files.createTempFile("streamlate-jar", ".log");
        try {
            Process help = java(log, "--help");
            assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(help.exitValue()).isZero();
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("--bootstrap-servers", "--set");

            Process demo = java(log, "--demo-only", "--model", TINY_MODEL, "--threads", "1");
            boolean exited = demo.waitFor(4, TimeUnit.MINUTES);
            if (!exited) {
                demo.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(exited).as(output).isTrue();
            assertThat(demo.exitValue()).as(output).isZero();
            assertThat(output).contains("Demo done:", "I love you.").doesNotContain("SLF4J(W): No SLF4J providers");
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
