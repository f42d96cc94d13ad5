package io.streamlate.demo;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.EmbeddedKafka;
import io.streamlate.local.TempDirectories;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.topology.Topics;
import io.streamlate.topology.app.ServiceConfig;
import io.streamlate.topology.app.StreamlateService;
import io.streamlate.topology.config.StreamlateConfig;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Everything on this machine: an in-process Kafka broker (KRaft) and an Apicurio registry in a child process, the
 * service's topics (the input with {@value #INPUT_PARTITIONS} partitions), the service itself, then the bundled
 * demo sentences ({@value #DEMO_RESOURCE}) produced as SentenceEvents. Prints every translation (source,
 * translation, Pharaoh alignment, attention heatmap) and dead letter as it arrives, and keeps doing so for anything
 * produced to the input topic until {@link #stop()} (the shutdown hook on Ctrl-C), or, with {@code demoOnly}, until
 * the demo's outputs are printed. Everything started is stopped and its temporary directories removed.
 */
final class LocalMode {

    static final String DEMO_RESOURCE = "demo-sentences.txt";
    static final int INPUT_PARTITIONS = 3;
    private static final Duration DEMO_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final Logger log = LoggerFactory.getLogger(LocalMode.class);

    private final Properties layered;
    private final boolean demoOnly;
    private final PrintStream out;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /** @param layered the configuration's layers merged ({@link ServiceConfig#layered}); broker and registry are ours */
    LocalMode(Properties layered, boolean demoOnly, PrintStream out) {
        this.layered = layered;
        this.demoOnly = demoOnly;
        this.out = out;
    }

    /**
     * One demo input: a text to translate, or with {@code given} a text and its translation to force-align.
     *
     * @param given the translation after {@code |||} on its line, or null
     */
    record DemoSentence(String text, String given) {
    }

    /** The demo's inputs, in order; {@code ""} in the file is an empty text, {@code a ||| b} a pair to align. */
    static List<DemoSentence> demoSentences() {
        try (InputStream in = LocalMode.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEMO_RESOURCE);
            }
            List<DemoSentence> sentences = new ArrayList<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .forEach(line -> {
                        String[] sides = line.split("\\s*\\|\\|\\|\\s*", 2);
                        sentences.add(line.equals("\"\"") ? new DemoSentence("", null)
                                : new DemoSentence(sides[0], sides.length == 2 ? sides[1] : null));
                    });
            return sentences;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs until the demo is printed ({@code demoOnly}) or until {@link #stop()}; returns an exit code. */
    int run() throws InterruptedException {
        Path stateDirectory = TempDirectories.create("streamlate-state-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             ApicurioRegistry registry = ApicurioRegistry.start()) {
            Properties properties = new Properties();
            properties.putAll(layered);
            properties.putIfAbsent(StreamlateConfig.HTTP_PORT, "0");
            properties.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toString());
            properties.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
            properties.putIfAbsent(StreamlateConfig.DEFAULT_TARGET_LANGUAGE, "fr");
            ServiceConfig config = ServiceConfig.build(properties, new ServiceConfig.Overrides(
                    kafka.bootstrapServers(), registry.ccompatUrl().toString(), "streamlate-local", null));
            TopologyConfig topology = config.topology();
            kafka.createTopic(topology.inputTopic(), INPUT_PARTITIONS);
            kafka.createTopic(topology.translationsTopic(), INPUT_PARTITIONS);
            kafka.createTopic(topology.alignmentsTopic(), INPUT_PARTITIONS);
            kafka.createTopic(topology.deadLetterTopic(), 1);
            Topics topics = Topics.of(topology, config.serdes());
            try (StreamlateService service = StreamlateService.start(config)) {
                if (!service.awaitRunning(STARTUP_TIMEOUT)) {
                    out.println("Kafka Streams did not reach RUNNING within " + STARTUP_TIMEOUT + " (state "
                            + service.state() + ")");
                    return 1;
                }
                String http = service.httpPort().map(port -> "http://127.0.0.1:" + port + "/metrics (and "
                        + "/health/live, /health/ready)").orElse("off");
                String view = service.viewUrl().map(URI::toString).orElse("off");
                out.println("Live alignment view (open it in a browser): " + view);
                return consume(kafka, registry, topics, http, view,
                        () -> service.state() == KafkaStreams.State.ERROR);
            }
        } finally {
            TempDirectories.delete(stateDirectory);
            stopped.countDown();
        }
    }

    /** Ends {@link #run()} (from another thread, e.g. a shutdown hook) and waits for it to clean up. */
    boolean stop(Duration timeout) throws InterruptedException {
        stopping = true;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private int consume(EmbeddedKafka kafka, ApicurioRegistry registry, Topics topics, String http, String view,
                        BooleanSupplier failed) {
        OutputPrinter printer = new OutputPrinter(out);
        try (KafkaConsumer<byte[], byte[]> outputs = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "streamlate-local-printer-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = outputs;
            outputs.subscribe(List.of(topics.translations().name(), topics.alignments().name(),
                    topics.deadLetters().name()));
            int demoSentences = produceDemo(kafka, topics);
            int expectedDeadLetters = (int) demoSentences().stream().filter(d -> d.text().isBlank()).count();
            int expectedTranslations = demoSentences - expectedDeadLetters;
            BooleanSupplier demoPrinted = () -> printer.translated() >= expectedTranslations
                    && printer.deadLetters() >= expectedDeadLetters;
            long deadline = System.nanoTime() + DEMO_TIMEOUT.toNanos();
            boolean announced = false;
            while (!stopping) {
                if (!announced && demoPrinted.getAsBoolean()) {
                    announced = true;
                    if (demoOnly) {
                        out.println("Demo done: " + printer.translated() + " translations, " + printer.deadLetters()
                                + " dead letter(s).");
                        return 0;
                    }
                    out.printf("Demo done. The service keeps translating what is produced to topic '%s' "
                                    + "(SentenceEvent, Avro):%n  bootstrap servers: %s%n  schema registry:   %s%n"
                                    + "  metrics:           %s%n  live view:         %s%nPress Ctrl-C to stop.%n%n",
                            topics.input().name(), kafka.bootstrapServers(), registry.ccompatUrl(), http, view);
                    out.flush();
                }
                if (failed.getAsBoolean()) {
                    out.println("Kafka Streams is in ERROR (a stream thread failed, see the log); stopping");
                    return 1;
                }
                if (demoOnly && System.nanoTime() > deadline) {
                    out.println("The demo's outputs did not all arrive within " + DEMO_TIMEOUT + ": "
                            + printer.translated() + " translations, " + printer.deadLetters() + " dead letters");
                    return 1;
                }
                try {
                    for (ConsumerRecord<byte[], byte[]> record : outputs.poll(Duration.ofMillis(200))) {
                        print(printer, topics, record);
                    }
                } catch (WakeupException e) {
                    // stop() was called: leave the loop
                }
            }
            return 0;
        } finally {
            consumer = null;
        }
    }

    private static void print(OutputPrinter printer, Topics topics, ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        if (topic.equals(topics.translations().name())) {
            printer.translation(topics.translations().valueSerde().deserializer().deserialize(topic, record.value()));
        } else if (topic.equals(topics.alignments().name())) {
            printer.alignment(topics.alignments().valueSerde().deserializer().deserialize(topic, record.value()));
        } else {
            printer.deadLetter(topics.deadLetters().valueSerde().deserializer().deserialize(topic, record.value()));
        }
    }

    /** Produces the demo sentences, keyed by a document id so that each document keeps its order. */
    private static int produceDemo(EmbeddedKafka kafka, Topics topics) {
        List<DemoSentence> texts = demoSentences();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < texts.size(); i++) {
                String document = "demo-" + (i % INPUT_PARTITIONS);
                SentenceEvent event = SentenceEvent.newBuilder().setId("demo-" + i).setText(texts.get(i).text())
                        .setTranslation(texts.get(i).given())
                        .setSourceLanguage("en").setTargetLanguage("fr").setDocumentId(document).setPosition(i)
                        .setEventTime(Instant.now()).build();
                byte[] value = topics.input().valueSerde().serializer().serialize(topics.input().name(), event);
                producer.send(new ProducerRecord<>(topics.input().name(),
                        document.getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
        log.info("Produced {} demo sentences to {}", texts.size(), topics.input().name());
        return texts.size();
    }
}
