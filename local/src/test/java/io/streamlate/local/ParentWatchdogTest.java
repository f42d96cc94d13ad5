package io.streamlate.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM started with the watchdog agent, its standard input a pipe this test holds, as a registry's parent does. */
class ParentWatchdogTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void theWatchedJvmDrainsItsInputAndExitsNormallyWhenTheInputEnds() throws Exception {
        Process watched = startWatched();
        try {
            assertThat(TestJvms.firstLine(watched, START_TIMEOUT)).isEqualTo("ready");
            watched.getOutputStream().write("bytes are not a signal\n".getBytes(StandardCharsets.UTF_8));
            watched.getOutputStream().flush();
            assertThat(watched.waitFor(1, TimeUnit.SECONDS)).as("exited while its input was open").isFalse();

            watched.getOutputStream().close();

            assertThat(watched.waitFor(15, TimeUnit.SECONDS)).as("exited after its input ended").isTrue();
            assertThat(watched.exitValue()).isZero();
            assertThat(errorOutput()).contains("parent process gone (end of standard input), exiting");
        } finally {
            watched.destroyForcibly();
        }
    }

    @Test
    void aShutdownHookThatNeverReturnsIsCutShortByAHalt() throws Exception {
        Process watched = startWatched("stuck-shutdown-hook");
        try {
            assertThat(TestJvms.firstLine(watched, START_TIMEOUT)).isEqualTo("ready");

            watched.getOutputStream().close();

            assertThat(watched.waitFor(30, TimeUnit.SECONDS)).as("halted within the hooks' timeout").isTrue();
            assertThat(watched.exitValue()).isEqualTo(1);
            assertThat(errorOutput()).contains("shutdown hooks still running after 10 s, halting");
        } finally {
            watched.destroyForcibly();
        }
    }

    private Process startWatched(String... arguments) throws IOException {
        Path agent = ParentWatchdogJar.writeInto(directory);
        return TestJvms.builder(List.of("-javaagent:" + agent), SleepUntilStopped.class, arguments)
                .redirectError(directory.resolve("stderr.log").toFile())
                .start();
    }

    private String errorOutput() throws IOException {
        return Files.readString(directory.resolve("stderr.log"));
    }
}
