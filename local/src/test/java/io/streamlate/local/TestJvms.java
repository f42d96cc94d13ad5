package io.streamlate.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts a main class of the tests in a JVM of its own, on this JVM's {@code java} and classpath. */
final class TestJvms {

    private static final List<String> FORWARDED_PROPERTIES = List.of(
            ApicurioDistribution.MAVEN_REPOSITORY_PROPERTY, ApicurioDistribution.CACHE_DIRECTORY_PROPERTY);

    private TestJvms() {
    }

    /** {@code java <jvmOptions> -cp <this classpath> <mainClass> <arguments>}, forwarding the distribution's settings. */
    static ProcessBuilder builder(List<String> jvmOptions, Class<?> mainClass, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        for (String property : FORWARDED_PROPERTIES) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command);
    }

    /** The first line the process prints, waiting at most {@code timeout}. */
    static String firstLine(Process process, Duration timeout) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
