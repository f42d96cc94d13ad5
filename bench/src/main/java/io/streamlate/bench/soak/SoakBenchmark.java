package io.streamlate.bench.soak;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.EmbeddedKafka;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.serde.AvroDeserializer;
import io.streamlate.schemas.serde.AvroSerializer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The soak: two instances of the production jar in one consumer group, as the StatefulSet runs them, on the
 * in-process broker and the real Apicurio registry; a producer sends sentences at a fixed rate while the harness
 * SIGKILLs an instance (alternately) and starts it again a few seconds later, several times, then freezes the
 * registry (SIGSTOP) while the producer switches to a writer schema the instances have never looked up. A
 * read_committed reader checks every output. Reports lost, duplicated and out-of-order outputs, the longest stall of
 * committed output and the worst input latency after each fault, readiness and pausing during the freeze, and how
 * the consumer lag metrics settle once the backlog is gone. Writes bench/results/soak-DATE.md. Run from the
 * repository root: {@code mvn -q install -DskipTests && mvn -q -pl bench exec:java
 * -Dexec.mainClass=io.streamlate.bench.soak.SoakBenchmark -Dexec.args="..."}.
 */
@Command(name = "soak-benchmark", mixinStandardHelpOptions = true,
        description = "Two instances, repeated SIGKILLs and a frozen registry: losses, duplicates, order, stalls.")
public final class SoakBenchmark implements Callable<Integer> {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    private static final String[] TEXTS = {"Hello world.", "The cat sleeps.", "Good morning, my friend.",
            "I like green tea.", "Where is the station?", "It is raining today.", "I love you.",
            "Open the file menu and choose Save.", "The printer is not connected."};

    @Option(names = "-n", description = "sentences (default: ${DEFAULT-VALUE})")
    int sentences = 100_000;

    @Option(names = "--rate", description = "sentences per second sent (default: ${DEFAULT-VALUE}, what two instances "
            + "of the tiny model keep up with on 2 cores; above it the backlog grows and the latencies measure the "
            + "queue, not the faults)")
    int rate = 200;

    @Option(names = "--keys", description = "distinct keys, per-key order is checked (default: ${DEFAULT-VALUE})")
    int keys = 60;

    @Option(names = "--partitions", description = "input and output partitions (default: ${DEFAULT-VALUE})")
    int partitions = 6;

    @Option(names = "--kills", description = "SIGKILLs, alternating between the instances (default: ${DEFAULT-VALUE})")
    int kills = 5;

    @Option(names = "--restart-after-s", description = "a killed instance starts again after (default: "
            + "${DEFAULT-VALUE})")
    int restartAfterSeconds = 5;

    @Option(names = "--freeze-s", description = "how long the registry is frozen (default: ${DEFAULT-VALUE})")
    int freezeSeconds = 30;

    @Option(names = "--static-membership", negatable = true, description = "group.instance.id per instance, as "
            + "the StatefulSet sets it (default: ${DEFAULT-VALUE})")
    boolean staticMembership = true;

    @Option(names = "--guarantee", description = "processing.guarantee (default: ${DEFAULT-VALUE})")
    String guarantee = StreamsConfig.EXACTLY_ONCE_V2;

    @Option(names = "--model", description = "model directory (default: ${DEFAULT-VALUE}, the tiny fixture: the "
            + "soak is about faults, not translation speed)")
    Path model = Path.of("model/src/test/resources/tiny-en-fr");

    @Option(names = "--jar", description = "the service jar (default: ${DEFAULT-VALUE})")
    Path jar = Path.of("topology/target/streamlate-all.jar");

    @Option(names = "--out", description = "results directory (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench/results");

    @Option(names = "--keep-logs", description = "copy each instance's log (all its starts) into this directory, "
            + "to read what happened around a stall")
    Path keepLogs;

    private final String[] args;

    SoakBenchmark(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakBenchmark(args)).execute(args));
    }

    /** What happened at one moment of the run, in seconds from its start. */
    record Event(double second, String what) {
    }

    /** One fault's cost: the longest wait for any committed output and the worst input latency after it. */
    record FaultCost(Event fault, Ledger.Stall stall, double worstLatencySeconds) {
    }

    /** The lag metrics of both instances at one moment, seconds from the start. */
    record LagSample(double second, double recordsLagMax, double recordsLag) {
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with mvn -q install -DskipTests");
        }
        double duration = (double) sentences / rate;
        List<Double> killTimes = new ArrayList<>();
        for (int k = 0; k < kills; k++) {
            killTimes.add(duration * (k + 1) / (kills + 2));
        }
        double freezeAt = duration * (kills + 1) / (kills + 2);
        progress("%d sentences at %d/s (%.0f s), %d kills, registry frozen %d s at %.0f s, %s, static membership %s",
                sentences, rate, duration, kills, freezeSeconds, freezeAt, guarantee, staticMembership);

        Path work = Files.createTempDirectory("streamlate-soak-");
        List<Event> events = new ArrayList<>();
        List<FaultCost> costs = new ArrayList<>();
        List<LagSample> lags = new CopyOnWriteArrayList<>();
        Ledger.Verdict verdict;
        String readinessDuringFreeze;
        String pausedDuringFreeze;
        double rebalancesAcrossFreeze;
        double thawToFirstOutput;
        double drainedAt;
        Ledger ledger;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); ApicurioRegistry registry = ApicurioRegistry.start()) {
            for (String topic : List.of("sentences", "translations", "alignments")) {
                kafka.createTopic(topic, partitions);
            }
            kafka.createTopic("sentences-dlq", 1);
            Map<String, String> serdeConfig = Map.of(RegistryConfig.URL, registry.ccompatUrl().toString());
            AvroSerializer<SentenceEvent> current = new AvroSerializer<>();
            current.configure(serdeConfig, false);
            AvroSerializer<GenericRecord> older = new AvroSerializer<>();
            older.configure(serdeConfig, false);
            Schema v1 = releasedSchema("SentenceEvent-v1.avsc");
            // both writer schemas registered now, before any fault; the instances look them up when they meet them
            int currentId = current.prepare("sentences", SentenceEvent.getClassSchema());
            int olderId = older.prepare("sentences", v1);
            progress("writer schema ids: current %d, v1 %d (sent only while the registry is frozen)", currentId,
                    olderId);

            List<ServiceProcess> instances = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                instances.add(instance(i, work, kafka, registry));
            }
            try {
                for (ServiceProcess instance : instances) {
                    instance.start();
                }
                for (ServiceProcess instance : instances) {
                    awaitReady(instance);
                }
                long start = System.nanoTime();
                ledger = new Ledger(sentences, keys, start);
                AtomicBoolean reading = new AtomicBoolean(true);
                Thread reader = new Thread(() -> read(kafka, registry, ledger, reading), "soak-reader");
                reader.start();
                Thread lagSampler = new Thread(() -> sampleLag(instances, start, lags, reading), "soak-lag");
                lagSampler.start();

                AtomicBoolean frozen = new AtomicBoolean();
                int nextKill = 0;
                double restartAt = Double.MAX_VALUE;
                ServiceProcess killed = null;
                boolean freezeDone = false;
                double thawAt = freezeAt + freezeSeconds;
                String readiness = "not sampled";
                String paused = "not sampled";
                double rebalancesBefore = 0;
                try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                    for (int i = 0; i < sentences; i++) {
                        double now = seconds(start);
                        if (nextKill < kills && now >= killTimes.get(nextKill)) {
                            killed = instances.get(nextKill % 2);
                            killed.kill();
                            events.add(new Event(seconds(start), "SIGKILL " + killed.name()));
                            restartAt = seconds(start) + restartAfterSeconds;
                            nextKill++;
                        }
                        if (killed != null && now >= restartAt) {
                            killed.start();
                            events.add(new Event(seconds(start), "restart " + killed.name()));
                            killed = null;
                            restartAt = Double.MAX_VALUE;
                        }
                        if (!freezeDone && !frozen.get() && now >= freezeAt) {
                            rebalancesBefore = rebalances(instances);
                            registry.freeze();
                            frozen.set(true);
                            events.add(new Event(seconds(start), "registry frozen"));
                        }
                        if (frozen.get() && paused.equals("not sampled") && now >= thawAt - 5) {
                            readiness = describe(instances, instance -> instance.get("/health/ready")
                                    .map(r -> Integer.toString(r.statusCode())).orElse("no answer"));
                            paused = describe(instances, instance -> instance.metric("streamlate_paused", true)
                                    .map(v -> String.format(Locale.ROOT, "%.0f", v)).orElse("no answer"));
                        }
                        if (frozen.get() && now >= thawAt) {
                            registry.thaw();
                            frozen.set(false);
                            freezeDone = true;
                            events.add(new Event(seconds(start), "registry thawed"));
                        }
                        send(producer, ledger, i, frozen.get() ? older : null, v1, current);
                        pace(start, i + 1);
                    }
                }
                progress("all %d sent at %.0f s; waiting for the outputs", sentences, seconds(start));
                long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
                while (!ledger.complete() && System.nanoTime() < deadline) {
                    Thread.sleep(200); // the reader fills the ledger; this only watches it
                }
                double drained = seconds(start);
                progress("drained at %.0f s: %s", drained, ledger.verdict());
                readinessDuringFreeze = readiness;
                pausedDuringFreeze = paused;
                rebalancesAcrossFreeze = rebalances(instances) - rebalancesBefore;
                thawToFirstOutput = ledger.firstOutputAfter(thawAt);
                while (seconds(start) < drained + 60) {
                    Thread.sleep(200); // the lag sampler's last minute, after the backlog is gone
                }
                reading.set(false);
                reader.join();
                lagSampler.join();
                drainedAt = drained;
                verdict = ledger.verdict();
                for (Event event : events) {
                    if (event.what().startsWith("SIGKILL") || event.what().equals("registry frozen")) {
                        double window = event.what().startsWith("SIGKILL") ? 30 : freezeSeconds + 30;
                        costs.add(new FaultCost(event, ledger.longestStall(event.second(), event.second() + window),
                                ledger.worstLatency(event.second(), event.second() + window)));
                    }
                }
            } finally {
                for (ServiceProcess instance : instances) {
                    instance.close();
                }
            }
        } finally {
            if (keepLogs != null) {
                copyLogs(work, keepLogs);
            }
            deleteRecursively(work);
        }
        String report = render(duration, events, costs, verdict, readinessDuringFreeze, pausedDuringFreeze,
                rebalancesAcrossFreeze, thawToFirstOutput, lags, drainedAt);
        System.out.print(report);
        Files.createDirectories(out);
        Path file = out.resolve("soak-" + LocalDate.now() + ".md");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        progress("written to %s", file);
        return verdict.lost() == 0 && verdict.duplicateTranslations() == 0 && verdict.orderViolations() == 0 ? 0 : 1;
    }

    private ServiceProcess instance(int index, Path work, EmbeddedKafka kafka, ApicurioRegistry registry)
            throws IOException {
        String name = "streamlate-" + index;
        Path directory = work.resolve(name);
        Properties settings = new Properties();
        settings.setProperty(StreamsConfig.STATE_DIR_CONFIG, directory.resolve("state").toString());
        settings.setProperty("streamlate.default.target.language", "fr");
        if (staticMembership) {
            settings.setProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, name);
        }
        return new ServiceProcess(name, jar.toAbsolutePath(), directory, settings, freePort(), List.of(
                "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url",
                registry.ccompatUrl().toString(), "--processing-guarantee", guarantee, "--model",
                model.toAbsolutePath().toString(), "--threads", "1"));
    }

    private void send(KafkaProducer<byte[], byte[]> producer, Ledger ledger, int sentence,
                      AvroSerializer<GenericRecord> older, Schema v1, AvroSerializer<SentenceEvent> current) {
        String text = TEXTS[sentence % TEXTS.length];
        Instant now = Instant.now();
        byte[] value;
        if (older != null) {
            GenericRecord record = new GenericData.Record(v1);
            record.put("id", Ledger.id(sentence));
            record.put("text", text);
            record.put("source_language", "en");
            record.put("target_language", "fr");
            record.put("event_time", now.toEpochMilli());
            record.put("metadata", Map.of());
            value = older.serialize("sentences", record);
        } else {
            value = current.serialize("sentences", SentenceEvent.newBuilder().setId(Ledger.id(sentence))
                    .setText(text).setSourceLanguage("en").setTargetLanguage("fr").setEventTime(now).build());
        }
        producer.send(new ProducerRecord<>("sentences", ledger.key(sentence).getBytes(StandardCharsets.UTF_8),
                value));
        ledger.sent(sentence, System.nanoTime());
    }

    /** Waits until {@code sent} sentences are due at the fixed rate. */
    private void pace(long start, int sent) throws InterruptedException {
        long due = start + (long) (sent * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the producer's fixed rate
        }
    }

    private static void read(EmbeddedKafka kafka, ApicurioRegistry registry, Ledger ledger, AtomicBoolean reading) {
        Map<String, String> serdeConfig = Map.of(RegistryConfig.URL, registry.ccompatUrl().toString());
        AvroDeserializer<Translation> translations = AvroDeserializer.specific(Translation.class);
        translations.configure(serdeConfig, false);
        AvroDeserializer<Alignment> alignments = AvroDeserializer.specific(Alignment.class);
        alignments.configure(serdeConfig, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "soak-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("translations", "alignments", "sentences-dlq"));
            while (reading.get()) {
                var records = consumer.poll(Duration.ofMillis(100));
                long arrival = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    switch (record.topic()) {
                        case "translations" -> ledger.translated(Ledger.sentenceOf(
                                translations.deserialize(record.topic(), record.value()).getId()), arrival);
                        case "alignments" -> ledger.aligned(Ledger.sentenceOf(
                                alignments.deserialize(record.topic(), record.value()).getId()));
                        default -> ledger.deadLettered();
                    }
                }
            }
        }
    }

    /** Every 5 s: both instances' lag metrics, until the run ends. */
    private static void sampleLag(List<ServiceProcess> instances, long start, List<LagSample> lags,
                                  AtomicBoolean running) {
        try {
            while (running.get()) {
                lags.add(new LagSample(seconds(start),
                        maxOver(instances, "kafka_consumer_fetch_manager_records_lag_max"),
                        maxOver(instances, "kafka_consumer_fetch_manager_records_lag")));
                Thread.sleep(5_000); // the sampling period
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void awaitReady(ServiceProcess instance) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!instance.ready()) {
            if (!instance.alive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(instance.name() + " did not become ready; its log ends with:\n"
                        + instance.logTail(40));
            }
            Thread.sleep(200); // polling its readiness endpoint
        }
        progress("%s ready", instance.name());
    }

    private static double rebalances(List<ServiceProcess> instances) {
        return instances.stream().mapToDouble(i -> i.metric("streamlate_rebalances_total", false).orElse(0.0))
                .sum();
    }

    private static double maxOver(List<ServiceProcess> instances, String metric) {
        return instances.stream().flatMap(i -> i.metric(metric, true).stream()).mapToDouble(d -> d).max()
                .orElse(Double.NaN);
    }

    private static String describe(List<ServiceProcess> instances,
                                   Function<ServiceProcess, String> what) {
        return String.join(", ", instances.stream().map(i -> i.name() + " " + what.apply(i)).toList());
    }

    private static Schema releasedSchema(String file) throws IOException {
        try (InputStream in = SoakBenchmark.class.getResourceAsStream("/released/" + file)) {
            if (in == null) {
                throw new IllegalStateException("released/" + file + " is not on the classpath (schemas test-jar)");
            }
            return new Schema.Parser().parse(in);
        }
    }

    private String render(double duration, List<Event> events, List<FaultCost> costs, Ledger.Verdict verdict,
                          String readiness, String paused, double rebalancesAcrossFreeze, double thawToFirstOutput,
                          List<LagSample> lags, double drainedAt) {
        StringBuilder report = new StringBuilder();
        report.append("# Soak: two instances, ").append(kills).append(" SIGKILLs, a frozen registry\n\n");
        report.append("Command (repository root): `mvn -q install -DskipTests && mvn -q -pl bench exec:java "
                + "-Dexec.mainClass=io.streamlate.bench.soak.SoakBenchmark -Dexec.args=\"")
                .append(String.join(" ", args)).append("\"`\n\n");
        report.append(String.format(Locale.ROOT, "%d sentences at %d/s (%.0f s) on %d keys and %d partitions, %s, "
                        + "static membership %s, the shipped defaults otherwise; model %s; %d cores. Each killed "
                        + "instance starts again %d s later on its own state directory. The registry is frozen "
                        + "(SIGSTOP) for %d s while the producer sends with a writer schema (SentenceEvent v1) no "
                        + "instance has looked up.%n%n", sentences, rate, duration, keys, partitions, guarantee,
                staticMembership, model, Runtime.getRuntime().availableProcessors(), restartAfterSeconds,
                freezeSeconds));
        report.append("| sent | translated | lost | duplicate translations | duplicate alignments | out of order "
                + "| dead letters |\n|---|---|---|---|---|---|---|\n");
        report.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %d | %d |%n%n", verdict.sent(),
                verdict.translated(), verdict.lost(), verdict.duplicateTranslations(),
                verdict.duplicateAlignments(), verdict.orderViolations(), verdict.deadLetters()));
        report.append("Each fault's cost, over the 30 s after it (the freeze: its length plus 30 s): the longest "
                + "wait for the next committed output while inputs were outstanding, and the worst latency of an "
                + "input (sent to committed output) among those answered then.\n\n");
        report.append("| at s | fault | longest output stall s | began at s | worst input latency s |\n"
                + "|---|---|---|---|---|\n");
        for (FaultCost cost : costs) {
            report.append(String.format(Locale.ROOT, "| %.1f | %s | %.1f | %.1f | %.1f |%n", cost.fault().second(),
                    cost.fault().what(), cost.stall().seconds(), cost.stall().startedAtSecond(),
                    cost.worstLatencySeconds()));
        }
        report.append(String.format(Locale.ROOT, "%nDuring the freeze (5 s before the thaw): readiness %s; "
                        + "streamlate_paused %s. Rebalances from the freeze to the end: %.0f. First committed output "
                        + "%.1f s after the thaw.%n%n", readiness, paused, rebalancesAcrossFreeze,
                thawToFirstOutput));
        report.append(String.format(Locale.ROOT, "Consumer lag metrics every 5 s (max over both instances' series;"
                + " NaN: no series had a value). The last output was read at %.0f s.%n%n", drainedAt));
        report.append("| s | records_lag_max | records_lag |\n|---|---|---|\n");
        for (LagSample lag : lags) {
            report.append(String.format(Locale.ROOT, "| %.0f | %.0f | %.0f |%n", lag.second(), lag.recordsLagMax(),
                    lag.recordsLag()));
        }
        report.append("\nTimeline: ");
        report.append(String.join("; ", events.stream().map(e -> String.format(Locale.ROOT, "%.1f s %s",
                e.second(), e.what())).toList())).append(".\n");
        return report.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static void progress(String format, Object... values) {
        System.out.printf(Locale.ROOT, "[%tT] " + format + "%n", prepend(new Date(), values));
        System.out.flush();
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static void copyLogs(Path work, Path into) throws IOException {
        Files.createDirectories(into);
        for (int i = 0; i < 2; i++) {
            Path log = work.resolve("streamlate-" + i).resolve("service.log");
            if (Files.exists(log)) {
                Files.copy(log, into.resolve("streamlate-" + i + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        progress("instance logs in %s", into);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
