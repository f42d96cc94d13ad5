package io.streamlate.topology.app;

import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.onnx.SessionSettings;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The service's main: parses the command line, builds the configuration ({@link ServiceConfig}), starts the
 * service ({@link StreamlateService}) or the local mode ({@link LocalMode}) and installs the shutdown hook that
 * stops it. Nothing else happens here.
 */
@Command(name = "streamlate", mixinStandardHelpOptions = true,
        description = "Translates SentenceEvents from Kafka with the attention model; publishes translations, "
                + "alignments and dead letters. Without --bootstrap-servers it runs locally: an in-process Kafka "
                + "broker, an Apicurio registry and a demo.")
public final class StreamlateApp implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(StreamlateApp.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(90);

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (bootstrap.servers)")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-compatible schema registry (schema.registry.url)")
    String schemaRegistryUrl;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file: Kafka Streams and client "
            + "settings (security.*, sasl.*, ssl.* included) pass through to Kafka Streams; streamlate.* keys "
            + "configure the topology; registry client settings go to the serdes")
    Path configFile;

    @Option(names = "--application-id", description = "application.id (default: ${DEFAULT-VALUE})",
            defaultValue = ServiceConfig.DEFAULT_APPLICATION_ID)
    String applicationId;

    @Option(names = "--processing-guarantee", description = "exactly_once_v2 or at_least_once "
            + "(default: ${DEFAULT-VALUE})", defaultValue = ServiceConfig.DEFAULT_PROCESSING_GUARANTEE)
    String processingGuarantee;

    @Option(names = "--model", paramLabel = "DIR", description = "model directory, repeatable, one per language "
            + "pair (default: ${DEFAULT-VALUE})", defaultValue = "model/artifacts/en-fr")
    List<Path> models;

    @Option(names = "--local", description = "run against an in-process Kafka broker and Apicurio registry "
            + "(the default when --bootstrap-servers is not given) and produce the demo sentences")
    boolean local;

    @Option(names = "--demo-only", description = "local mode: exit once the demo's outputs are printed")
    boolean demoOnly;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads per session (0 = its default)",
            defaultValue = "0")
    int threads;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    StreamlateApp(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out));
    }

    /** Runs the command line and returns its exit code (what tests call). */
    static int execute(String[] args, PrintStream out) {
        return execute(args, out, System.err);
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new StreamlateApp(out));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        for (Path model : models) {
            if (!Files.isRegularFile(model.resolve(ManifestLoader.FILE_NAME))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--model " + model + ": "
                        + (Files.isDirectory(model) ? "no " + ManifestLoader.FILE_NAME + " in it (not exported yet?)"
                        : "no such directory") + "; relative paths are from the working directory, and the "
                        + "fixture model model/src/test/resources/tiny-en-fr works without training");
            }
        }
        SessionSettings sessions = SessionSettings.DEFAULT.withThreads(threads, threads > 0 ? 1 : 0);
        ServiceConfig config;
        try {
            Properties file = configFile == null ? new Properties() : ServiceConfig.load(configFile);
            if (local || bootstrapServers == null) {
                return runLocal(file, sessions);
            }
            config = ServiceConfig.build(file, new ServiceConfig.Overrides(bootstrapServers, schemaRegistryUrl,
                    applicationId, processingGuarantee));
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad configuration: " + e.getMessage(),
                    e);
        }
        StreamlateService service = StreamlateService.start(config, models, sessions);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close(); // logs each failing step and rethrows: the hook thread reports it
            } finally {
                stopped.countDown();
            }
        }, "streamlate-shutdown"));
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (service.state() == KafkaStreams.State.ERROR) {
                log.error("Kafka Streams is in ERROR (a stream thread failed, see above); stopping");
                service.close();
                return 1;
            }
        }
        return 0;
    }

    private int runLocal(Properties file, SessionSettings sessions) throws InterruptedException {
        LocalMode mode = new LocalMode(models, sessions, file, demoOnly, out);
        Thread hook = new Thread(() -> {
            try {
                if (!mode.stop(SHUTDOWN_WAIT)) {
                    log.error("The local mode did not stop within {}", SHUTDOWN_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.error("Interrupted while stopping the local mode");
            }
        }, "streamlate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int exit = mode.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook); // run() ended by itself (--demo-only)
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or about to, and returns at once
        }
        return exit;
    }
}
