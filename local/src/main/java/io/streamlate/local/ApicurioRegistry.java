package io.streamlate.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An Apicurio Registry server in a child process, on 127.0.0.1 with in-memory storage (its default H2 in-memory
 * database), for a schema registry that speaks Confluent's REST API ({@link #ccompatUrl()}) without Docker. It
 * needs Java 21+, found under {@code /usr/lib/jvm} while this JVM may be older. {@link #start()} returns once the
 * registry's readiness check passes; {@link #close()} stops the process and removes its working directory, and a
 * shutdown hook stops it too should the JVM exit without closing.
 *
 * <p>A JVM that dies without running its hooks (SIGKILL, the kernel's OOM killer, a killed test fork) must not leave
 * the registry running: the child watches its standard input, a pipe only this JVM writes to, and exits at end of
 * file ({@link ParentWatchdog}, loaded as a Java agent). Of the ways to learn of a parent's death, this one works on
 * Linux and macOS for every way the parent can die, without a process in between: Linux's parent-death signal
 * ({@code prctl(PR_SET_PDEATHSIG)}, {@code setpriv --pdeathsig}) fires when the <em>thread</em> that started the
 * child ends, which in a JVM can be any short-lived thread, and exists on Linux only; a shell wrapper watching the
 * pipe would have to forward signals to the JVM it starts and would orphan it when itself killed by
 * {@link Process#destroyForcibly()}; a watchdog main class ahead of Quarkus' would have to replace
 * {@code java -jar quarkus-run.jar} by a classpath and re-create the JVM options its manifest adds. As an agent the
 * watchdog leaves Quarkus' own start untouched, and {@link #close()} still signals the registry's JVM itself.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
    private static final int MINIMUM_JAVA = 21;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final String LOG_FILE = "apicurio.log";

    private final Process process;
    private final Path workDirectory;
    private final URI url;
    private final Thread stopOnExit;

    private ApicurioRegistry(Process process, Path workDirectory, URI url) {
        this.process = process;
        this.workDirectory = workDirectory;
        this.url = url;
        this.stopOnExit = new Thread(process::destroyForcibly, "stop-apicurio-registry");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts the distribution the build downloaded ({@link ApicurioDistribution#resolve()}) with a JDK 21+. */
    public static ApicurioRegistry start() {
        return start(ApicurioDistribution.resolve(), JavaRuntimes.findJava(JavaRuntimes.DEBIAN_JVM_DIRECTORY,
                MINIMUM_JAVA));
    }

    static ApicurioRegistry start(ApicurioDistribution distribution, Path java) {
        long started = System.nanoTime();
        int port = LoopbackPorts.free();
        int managementPort = LoopbackPorts.free();
        Path workDirectory = TempDirectories.create("streamlate-apicurio-");
        List<String> command = List.of(java.toString(),
                "-Xmx512m",
                "-Dquarkus.http.host=" + LoopbackPorts.HOST,
                "-Dquarkus.http.port=" + port,
                // health checks live on Quarkus' management interface, by default on 0.0.0.0:9000
                "-Dquarkus.management.host=" + LoopbackPorts.HOST,
                "-Dquarkus.management.port=" + managementPort,
                "-Dapicurio.storage.snapshot.location=" + workDirectory,
                "-Dapicurio.import.work-dir=" + workDirectory,
                "-javaagent:" + ParentWatchdogJar.writeInto(workDirectory),
                "-jar", distribution.launcher().toString());
        log.info("Starting Apicurio Registry {} on {}:{} with {}", ApicurioDistribution.version(), LoopbackPorts.HOST,
                port, java);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    // the watchdog's lifeline: never written to nor closed, it ends when this JVM does
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectErrorStream(true)
                    .redirectOutput(workDirectory.resolve(LOG_FILE).toFile())
                    .start();
        } catch (IOException e) {
            TempDirectories.delete(workDirectory);
            throw new UncheckedIOException("cannot run " + java, e);
        }
        ApicurioRegistry registry = new ApicurioRegistry(process, workDirectory,
                URI.create("http://" + LoopbackPorts.HOST + ":" + port));
        try {
            registry.awaitReady(URI.create("http://" + LoopbackPorts.HOST + ":" + managementPort + "/health/ready"));
        } catch (RuntimeException e) {
            String logTail = registry.logTail();
            registry.close();
            throw new IllegalStateException(e.getMessage() + "; its log ends with:\n" + logTail, e);
        }
        log.info("Apicurio Registry ready at {} in {} ms (pid {})", registry.url,
                Duration.ofNanos(System.nanoTime() - started).toMillis(), process.pid());
        return registry;
    }

    /** The registry's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI url() {
        return url;
    }

    /** The base URL of its Confluent-compatible API, what Confluent clients take as {@code schema.registry.url}. */
    public URI ccompatUrl() {
        return URI.create(url + "/apis/ccompat/v7");
    }

    /** The registry process' id, to follow it with {@link ProcessHandle#of(long)}. */
    long pid() {
        return process.pid();
    }

    /**
     * Freezes the registry (SIGSTOP): its socket still accepts connections, as the kernel completes them, but no
     * request is ever answered, as with a stuck server or a black-holed network. {@link #thaw()} resumes it; a
     * frozen registry is still stopped by {@link #close()}.
     */
    public void freeze() {
        signal("STOP");
    }

    /** Resumes a frozen registry (SIGCONT); the requests that waited are answered then. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling the registry", e);
        }
    }

    /** Stops the process, frozen or not (forcibly after 20 s), and deletes its working directory and log. */
    @Override
    public void close() {
        log.info("Stopping Apicurio Registry at {}", url);
        if (process.isAlive()) {
            thaw(); // a stopped process would act on SIGTERM only once continued
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        removeShutdownHook();
        TempDirectories.delete(workDirectory);
    }

    private void awaitReady(URI readiness) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with status " + process.exitValue()
                        + " before it was ready");
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // connection refused until Quarkus has bound its ports
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
            }
            sleep(POLL_INTERVAL);
        }
        throw new IllegalStateException("Apicurio Registry was not ready within " + READY_TIMEOUT);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(workDirectory.resolve(LOG_FILE));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // closed from another shutdown hook: ours runs anyway and finds the process gone
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
        }
    }
}
