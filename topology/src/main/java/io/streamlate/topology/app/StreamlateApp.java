package io.streamlate.topology.app;

import io.streamlate.model.cli.AlignCommand;
import io.streamlate.model.cli.TranslateCommand;
import io.streamlate.schemas.cli.AlignmentsCommand;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The service's main: parses the command line, builds the configuration ({@link ServiceConfig}), starts the
 * service ({@link StreamlateService}) and installs the shutdown hook that stops it. Nothing else happens here.
 * Without {@code bootstrap.servers} it stops with a message naming the key and the local demo's command.
 */
@Command(name = "streamlate", mixinStandardHelpOptions = true,
        subcommands = {TranslateCommand.class, AlignCommand.class, AlignmentsCommand.class},
        description = "Translates SentenceEvents from Kafka with the attention model; publishes translations, "
                + "alignments and dead letters. 'translate' and 'align' use the engine alone, without Kafka: "
                + "'translate' translates lines, 'align' force-aligns 'source ||| target' lines. 'alignments' "
                + "reads the published alignments and translations (from Kafka or an Avro file) as JSON Lines "
                + "or Pharaoh text.")
public final class StreamlateApp implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(StreamlateApp.class);

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (bootstrap.servers)")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-compatible schema registry (schema.registry.url)")
    String schemaRegistryUrl;

    @Option(names = "--application-id", description = "application.id (default: "
            + ServiceConfig.DEFAULT_APPLICATION_ID + ")")
    String applicationId;

    @Option(names = "--processing-guarantee", description = "exactly_once_v2 or at_least_once (default: "
            + ServiceConfig.DEFAULT_PROCESSING_GUARANTEE + ")")
    String processingGuarantee;

    @Mixin
    ServiceOptions options;

    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;

    StreamlateApp(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err, System.getenv()));
    }

    /** Runs the command line and returns its exit code (what tests call). */
    static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new StreamlateApp(environment));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        ServiceConfig config;
        try {
            config = ServiceConfig.build(options.layered(environment, new ServiceConfig.Overrides(bootstrapServers,
                    schemaRegistryUrl, applicationId, processingGuarantee).settings()));
            config.engine().requireExported();
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad configuration: " + e.getMessage(),
                    e);
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
                log.error("Kafka Streams is in ERROR: {}; stopping", service.failure()
                        .orElse("a stream thread failed, see above"));
                service.close();
                return 1;
            }
        }
        return 0;
    }
}
