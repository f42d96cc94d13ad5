package io.streamlate.topology.app;

import io.streamlate.model.cli.AlignCommand;
import io.streamlate.model.cli.TranslateCommand;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The service's main: parses the command line, builds the configuration ({@link ServiceConfig}), starts the
 * service ({@link StreamlateService}) or the local mode ({@link LocalMode}) and installs the shutdown hook that
 * stops it. Nothing else happens here.
 */
@Command(name = "streamlate", mixinStandardHelpOptions = true,
        subcommands = {TranslateCommand.class, AlignCommand.class},
        description = "Translates SentenceEvents from Kafka with the attention model; publishes translations, "
                + "alignments and dead letters. Without --bootstrap-servers it runs locally: an in-process Kafka "
                + "broker, an Apicurio registry and a demo. The subcommands use the engine alone, without Kafka: "
                + "'translate' translates lines, 'align' force-aligns 'source ||| target' lines.")
public final class StreamlateApp implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(StreamlateApp.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(90);

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (bootstrap.servers)")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-compatible schema registry (schema.registry.url)")
    String schemaRegistryUrl;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file: Kafka Streams and client "
            + "settings (security.*, sasl.*, ssl.* included) pass through to Kafka Streams; streamlate.* keys "
            + "configure the service; registry client settings go to the serdes. The environment (STREAMLATE_*) "
            + "overrides it, the command line overrides both")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any configuration key, repeatable (highest "
            + "precedence)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--application-id", description = "application.id (default: "
            + ServiceConfig.DEFAULT_APPLICATION_ID + ")")
    String applicationId;

    @Option(names = "--processing-guarantee", description = "exactly_once_v2 or at_least_once (default: "
            + ServiceConfig.DEFAULT_PROCESSING_GUARANTEE + ")")
    String processingGuarantee;

    @Option(names = "--model", paramLabel = "DIR", description = "model directory, repeatable, one per language "
            + "pair (streamlate.models; default: " + ServiceConfig.DEFAULT_MODELS + ")")
    List<Path> models;

    @Option(names = "--device", description = "cpu or cuda:N (streamlate.device; default: cpu)")
    String device;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads per session, 0 = its default "
            + "(streamlate.engine.threads)")
    Integer threads;

    @Option(names = "--http-port", description = "health and metrics port, 0 = any free port, -1 = none "
            + "(streamlate.http.port; default: " + ServiceConfig.DEFAULT_HTTP_PORT + ", any free port locally)")
    Integer httpPort;

    @Option(names = "--local", description = "run against an in-process Kafka broker and Apicurio registry "
            + "(the default when no bootstrap.servers is configured) and produce the demo sentences")
    boolean local;

    @Option(names = "--demo-only", description = "local mode: exit once the demo's outputs are printed")
    boolean demoOnly;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final Map<String, String> environment;

    StreamlateApp(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err, System.getenv()));
    }

    /** Runs the command line and returns its exit code (what tests call). */
    static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new StreamlateApp(out, environment));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Properties layered;
        ServiceConfig config;
        boolean localMode;
        try {
            Properties file = configFile == null ? new Properties() : ServiceConfig.load(configFile);
            layered = ServiceConfig.layered(file, environment, commandLineSettings());
            EngineSettings.from(layered).requireExported();
            localMode = local || layered.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) == null;
            config = localMode ? null : ServiceConfig.build(layered);
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad configuration: " + e.getMessage(),
                    e);
        }
        if (localMode) {
            return runLocal(layered);
        }
        log.info("Configuration (secrets hidden):\n{}", config.describe());
        StreamlateService service = StreamlateService.start(config);
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

    /** The command line's layer: named flags, then --set (which wins over a flag for the same key). */
    private Map<String, String> commandLineSettings() {
        Map<String, String> cli = new TreeMap<>(new ServiceConfig.Overrides(bootstrapServers, schemaRegistryUrl,
                applicationId, processingGuarantee).settings());
        if (models != null) {
            cli.put(ServiceConfig.MODELS, models.stream().map(Path::toString).collect(Collectors.joining(",")));
        }
        if (device != null) {
            cli.put(ServiceConfig.DEVICE, device);
        }
        if (threads != null) {
            cli.put(ServiceConfig.ENGINE_THREADS, threads.toString());
        }
        if (httpPort != null) {
            cli.put(ServiceConfig.HTTP_PORT, httpPort.toString());
        }
        cli.putAll(settings);
        return cli;
    }

    private int runLocal(Properties layered) throws InterruptedException {
        LocalMode mode = new LocalMode(layered, demoOnly, out);
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
