package io.streamlate.schemas.cli;

import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import io.streamlate.schemas.registry.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Like {@code kcat} for alignments: reads Alignment and Translation records from Kafka (Confluent wire format,
 * writer schemas from the registry) or from an Avro container file and writes them to stdout as JSON Lines or as
 * Pharaoh lines. A record that cannot be read is reported on stderr and skipped; the run goes on.
 */
@Command(name = "alignments", mixinStandardHelpOptions = true,
        description = {"Read Alignment and Translation records from Kafka (with the schema registry) or from an "
                + "Avro container file; write one JSON object per record (ids, tokens, the decoded attention "
                + "matrix, the Pharaoh links) or one Pharaoh line per alignment to stdout.",
                "A record that cannot be read (not Avro in Confluent's wire format, a schema id the registry does "
                + "not know, another record type, a corrupt attention payload, a bad Pharaoh string) or an "
                + "unreadable file block gets one line on stderr naming where it was and why, and is skipped. "
                + "A summary line (records written, records skipped) ends the run on stderr."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:read to the end, to --max-records or until stdout was closed; skipped records included",
                "1:Kafka, the registry or the file could not be read",
                "2:bad options",
                "130:stopped by Ctrl-C (after the summary; SIGTERM: 143)"})
public final class AlignmentsCommand implements Callable<Integer> {

    /** The service's default (StreamlateConfig.ALIGNMENTS_TOPIC in topology, which depends on this module). */
    static final String DEFAULT_TOPIC = "alignments";
    private static final long STOP_WAIT_SECONDS = 10;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka to read from")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Confluent-compatible schema "
            + "registry of the writer schemas (required with --bootstrap-servers)")
    String schemaRegistryUrl;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = DEFAULT_TOPIC, description = "topic to read, "
            + "repeatable, e.g. the alignments and the translations topic (default: ${DEFAULT-VALUE})")
    List<String> topics;

    @Option(names = "--consumer-property", paramLabel = "KEY=VALUE", description = "Kafka consumer property, "
            + "repeatable (security.protocol, ssl.*, sasl.*, …); the registry client reads its own keys "
            + "(basic.auth.user.info, schema.registry.ssl.*, …) from the same map")
    Map<String, String> consumerProperties = new HashMap<>();

    @Option(names = "--group", paramLabel = "GROUP", description = "start at this consumer group's committed "
            + "offsets and commit what was read; default: no group, every partition from its beginning")
    String group;

    @Option(names = "--follow", description = "keep reading new records until Ctrl-C; default: stop at the end "
            + "offsets found at the start")
    boolean follow;

    @Option(names = "--max-records", paramLabel = "N", description = "stop after N records written")
    Long maxRecords;

    @Option(names = "--file", paramLabel = "PATH", description = "read an Avro container file of Alignment or "
            + "Translation records (e.g. from a Kafka Connect sink) instead of Kafka")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", converter = OutputFormat.Converter.class,
            completionCandidates = OutputFormat.Names.class, description = "${COMPLETION-CANDIDATES}: one JSON "
            + "object per record, or one Pharaoh line (source-target word links) per alignment, translations "
            + "left out (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    private volatile RecordSource source;
    private volatile boolean stopRequested;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AlignmentsCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        checkOptions();
        RecordPrinter printer = new RecordPrinter(format, spec.commandLine().getOut(), err);
        try (RecordSource opened = open()) {
            source = opened;
            if (stopRequested) {
                opened.stop();
            }
            CountDownLatch finished = new CountDownLatch(1);
            Thread stopOnShutdown = new Thread(() -> {
                opened.stop();
                awaitQuietly(finished);
            }, "alignments-stop");
            Runtime.getRuntime().addShutdownHook(stopOnShutdown);
            try {
                opened.readInto(outcome -> {
                    printer.print(outcome);
                    return !printer.stdoutClosed() && (maxRecords == null || printer.written() < maxRecords);
                });
            } finally {
                err.println(printer.summary());
                err.flush();
                finished.countDown();
                removeQuietly(stopOnShutdown);
            }
            return 0;
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), "bad setting: " + e.getMessage(), e);
        } catch (KafkaException | SchemaRegistryException | IOException e) {
            err.println("alignments: cannot read " + (file != null ? file : "Kafka at " + bootstrapServers
                    + " with the registry at " + schemaRegistryUrl) + ": " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** Ends a running {@link #call()} as Ctrl-C does: it finishes the record at hand and prints the summary. */
    void stop() {
        stopRequested = true;
        RecordSource running = source;
        if (running != null) {
            running.stop();
        }
    }

    private void checkOptions() {
        if ((file == null) == (bootstrapServers == null)) {
            throw usage("give either --file or --bootstrap-servers");
        }
        if (file != null && (follow || group != null || schemaRegistryUrl != null)) {
            throw usage("--follow, --group and --schema-registry-url are for Kafka, not --file");
        }
        if (file == null && schemaRegistryUrl == null) {
            throw usage("--bootstrap-servers needs --schema-registry-url");
        }
        if (maxRecords != null && maxRecords < 1) {
            throw usage("--max-records must be at least 1");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private RecordSource open() throws IOException {
        if (file != null) {
            return ContainerFileSource.open(file);
        }
        Map<String, Object> serdeProperties = new HashMap<>(consumerProperties);
        serdeProperties.put(RegistryConfig.URL, schemaRegistryUrl);
        WireRecordDecoder decoder = new WireRecordDecoder(
                new SchemaRegistryClient(RegistryConfig.from(serdeProperties)), serdeProperties);
        return new KafkaSource(new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), topics, follow, Optional.ofNullable(group), decoder);
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamlate-alignments");
        config.putAll(consumerProperties);
        // offsets are committed explicitly, and only for what was written or reported
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return config;
    }

    private static void awaitQuietly(CountDownLatch finished) {
        try {
            finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeQuietly(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it waits for the summary above
        }
    }
}
