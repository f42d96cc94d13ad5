package io.streamlate.bench.soak;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One service instance as operators run it: {@code java -jar streamlate-all.jar} in a JVM of its own, with a state
 * directory and a health port that survive its restarts (as a StatefulSet pod keeps its volume and name). Killed
 * with SIGKILL, started again on the same settings.
 */
final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Path jar;
    private final Path directory;
    private final List<String> arguments;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    /**
     * @param settings the instance's properties file, the shipped defaults for everything it does not set
     */
    ServiceProcess(String name, Path jar, Path directory, Properties settings, int httpPort, List<String> arguments)
            throws IOException {
        this.name = name;
        this.jar = jar;
        this.directory = Files.createDirectories(directory);
        this.httpPort = httpPort;
        Path file = directory.resolve("streamlate.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            settings.store(out, name);
        }
        List<String> all = new ArrayList<>(List.of("--config", file.toString(), "--http-port",
                Integer.toString(httpPort)));
        all.addAll(arguments);
        this.arguments = List.copyOf(all);
    }

    String name() {
        return name;
    }

    void start() throws IOException {
        starts++;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-jar", jar.toString()));
        command.addAll(arguments);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("service.log").toFile()))
                .start();
    }

    /** SIGKILL: no shutdown hook, no leave-group, its open transaction left to time out. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    /** {@code GET path} on the instance's health port; empty while it does not answer. */
    Optional<HttpResponse<String>> get(String path) {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    boolean ready() {
        return get("/health/ready").map(response -> response.statusCode() == 200).orElse(false);
    }

    /** The unlabelled or first labelled sample of a Prometheus metric, summed over its series; empty if absent. */
    Optional<Double> metric(String name, boolean max) {
        return get("/metrics").flatMap(response -> {
            List<Double> values = response.body().lines()
                    .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                    .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .filter(value -> !value.isNaN()).toList();
            if (values.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(max ? values.stream().mapToDouble(d -> d).max().orElseThrow()
                    : values.stream().mapToDouble(d -> d).sum());
        });
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(directory.resolve("service.log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
