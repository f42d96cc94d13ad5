package io.streamlate.topology.app;

import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.topology.TinyModel;
import io.streamlate.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.streamlate.topology.app.EndToEndFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the service in one consumer group on the real broker, the real registry and the tiny model,
 * with the shipped defaults: they share the partitions; one closed gracefully mid-stream, or SIGKILLed as a
 * separate JVM while events flow, loses nothing, and under exactly_once_v2 duplicates nothing (outputs read with
 * read_committed). A kill stalls the survivor's committed output for less than {@link #SURVIVOR_STALL_BOUND}; each
 * test prints its counts and, for a kill, the stall figures the topology README reports.
 */
@Tag("failover")
class TwoInstanceFailoverTest {

    private static final int PARTITIONS = 4;
    private static final int KEYS = 10;
    private static final int EVENTS = 200;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final String EOS = StreamsConfig.EXACTLY_ONCE_V2;
    private static final String ALOS = StreamsConfig.AT_LEAST_ONCE;
    /** What the shipped session timeout (6 s) is for: a kill costs the survivors seconds, not a 45 s wait. */
    private static final Duration SURVIVOR_STALL_BOUND = Duration.ofSeconds(10);
    /** Pacing of the killed runs' input: it keeps flowing well past the takeover, so that a stall shows as one. */
    private static final Duration PACE = Duration.ofMillis(75);

    @RegisterExtension
    static final EndToEndPeers PEERS = new EndToEndPeers();

    /** What a scenario saw; a duplicate is an output beyond the first for its id, counted per output topic. */
    record Counts(int inputs, int translations, int alignments, int duplicateTranslations,
                  int duplicateAlignments, int missing) {
        static Counts of(List<String> ids, EndToEndFixture.Outputs outputs) {
            Map<String, Long> translated = outputs.translationIds();
            Map<String, Long> aligned = outputs.alignmentIds();
            int duplicateTranslations = 0;
            int duplicateAlignments = 0;
            int missing = 0;
            for (String id : ids) {
                long t = translated.getOrDefault(id, 0L);
                long a = aligned.getOrDefault(id, 0L);
                duplicateTranslations += (int) Math.max(0, t - 1);
                duplicateAlignments += (int) Math.max(0, a - 1);
                missing += t == 0 || a == 0 ? 1 : 0;
            }
            return new Counts(ids.size(), outputs.translations.size(), outputs.alignments.size(),
                    duplicateTranslations, duplicateAlignments, missing);
        }
    }

    /**
     * What a kill cost, in seconds from the SIGKILL: the longest wait for the next committed output of the
     * survivor's own partitions (their inputs keep coming until the last output); the time until the first
     * committed output of the victim's partitions (the takeover); and the longest wait for any next output.
     */
    record Stall(double survivorSeconds, double takeoverSeconds, double anySeconds) {
        static Stall of(EndToEndFixture.Outputs outputs, Set<Integer> victimPartitions, long killedAt) {
            List<Long> survivor = new ArrayList<>();
            List<Long> any = new ArrayList<>();
            long takeover = Long.MAX_VALUE;
            for (int i = 0; i < outputs.translations.size(); i++) {
                long arrival = outputs.translationArrivals.get(i);
                if (arrival < killedAt) {
                    continue;
                }
                any.add(arrival);
                if (victimPartitions.contains(outputs.translations.get(i).partition())) {
                    takeover = Math.min(takeover, arrival);
                } else {
                    survivor.add(arrival);
                }
            }
            return new Stall(longestGap(killedAt, survivor), seconds(takeover - killedAt), longestGap(killedAt, any));
        }

        private static double longestGap(long from, List<Long> arrivals) {
            long longest = 0;
            long previous = from;
            for (long arrival : arrivals.stream().sorted().toList()) {
                longest = Math.max(longest, arrival - previous);
                previous = arrival;
            }
            return seconds(longest);
        }

        private static double seconds(long nanos) {
            return Math.round(nanos / 1e8) / 10.0;
        }
    }

    /** The shipped defaults, with this test's topics, state directory and fixture model. */
    private static Properties file(String prefix, Path stateDirectory) {
        return EndToEndFixture.file(prefix, stateDirectory);
    }

    /**
     * Under at_least_once Kafka Streams' own commit interval (30 s), not the fixture's 100 ms: the kill then lands
     * between two commits, as it would in production, and the duplicates are the victim's uncommitted outputs.
     */
    private static Properties killFile(String prefix, Path stateDirectory, String guarantee) {
        Properties file = file(prefix, stateDirectory);
        if (guarantee.equals(ALOS)) {
            file.remove(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        }
        return file;
    }

    private static StreamlateService startService(ServiceConfig config) {
        return StreamlateService.start(config);
    }

    private static String key(int i) {
        return "doc-" + (i % KEYS);
    }

    private static String id(int i) {
        return "s" + i;
    }

    private static void produce(KafkaProducer<byte[], byte[]> producer, Topics topics, int from, int to) {
        for (int i = from; i < to; i++) {
            EndToEndFixture.send(producer, topics, key(i),
                    EndToEndFixture.event(id(i), EndToEndFixture.TEXTS[i % EndToEndFixture.TEXTS.length], "fr"));
        }
        producer.flush();
    }

    private static List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            ids.add(id(i));
        }
        return ids;
    }

    private static void awaitShared(String applicationId, String topic, int members) throws InterruptedException {
        await(WAIT, () -> "each of " + members + " members owning input partitions: " + assignment(applicationId,
                topic), () -> {
            Map<String, Set<Integer>> owned = assignment(applicationId, topic);
            return owned.size() == members && owned.values().stream().noneMatch(Set::isEmpty)
                    && owned.values().stream().mapToInt(Set::size).sum() == PARTITIONS;
        });
    }

    private static Map<String, Set<Integer>> assignment(String applicationId, String topic) {
        try {
            return PEERS.fixture().assignment(applicationId, topic);
        } catch (Exception e) {
            return Map.of("describe failed: " + e, Set.of());
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void twoInstancesShareThePartitionsWithOneOutputPerEventInKeyOrder(@TempDir Path a, @TempDir Path b)
            throws Exception {
        String prefix = "share-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ServiceConfig configA = PEERS.fixture().config(file(prefix, a), prefix + "app", EOS);
        ServiceConfig configB = PEERS.fixture().config(file(prefix, b), prefix + "app", EOS);
        Topics topics = PEERS.fixture().createTopics(configA, PARTITIONS);
        long started = System.nanoTime();
        try (StreamlateService first = startService(configA); StreamlateService second = startService(configB);
             EndToEndFixture.Outputs outputs = PEERS.fixture().outputs(topics, prefix + "checker");
             KafkaProducer<byte[], byte[]> producer = PEERS.fixture().producer()) {
            assertThat(first.awaitRunning(WAIT)).isTrue();
            assertThat(second.awaitRunning(WAIT)).isTrue();
            awaitShared(prefix + "app", topics.input().name(), 2);
            Map<String, Set<Integer>> shared = PEERS.fixture().assignment(prefix + "app", topics.input().name());

            produce(producer, topics, 0, EVENTS);
            outputs.awaitAll(new LinkedHashSet<>(ids()), WAIT, QUIET);

            Counts counts = Counts.of(ids(), outputs);
            System.out.printf("two instances: input partitions per instance %s; %s; %d s%n", shared.values(), counts,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            Map<String, Long> once = new LinkedHashMap<>();
            ids().forEach(id -> once.put(id, 1L));
            assertThat(outputs.translationIds()).isEqualTo(once);
            assertThat(outputs.alignmentIds()).isEqualTo(once);
            Map<String, List<String>> sentPerKey = new LinkedHashMap<>();
            for (int i = 0; i < EVENTS; i++) {
                sentPerKey.computeIfAbsent(key(i), k -> new ArrayList<>()).add(id(i));
            }
            Map<String, List<String>> translatedPerKey = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], Translation> record : outputs.translations) {
                translatedPerKey.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8),
                        k -> new ArrayList<>()).add(record.value().getId());
            }
            assertThat(translatedPerKey).isEqualTo(sentPerKey);
            assertThat(outputs.deadLetters).isEmpty();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void closingOneInstanceMidStreamLosesAndDuplicatesNothing(@TempDir Path a, @TempDir Path b) throws Exception {
        String prefix = "close-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ServiceConfig configA = PEERS.fixture().config(file(prefix, a), prefix + "app", EOS);
        ServiceConfig configB = PEERS.fixture().config(file(prefix, b), prefix + "app", EOS);
        Topics topics = PEERS.fixture().createTopics(configA, PARTITIONS);
        long started = System.nanoTime();
        try (StreamlateService survivor = startService(configA);
             EndToEndFixture.Outputs outputs = PEERS.fixture().outputs(topics, prefix + "checker");
             KafkaProducer<byte[], byte[]> producer = PEERS.fixture().producer()) {
            int beforeClose;
            try (StreamlateService leaver = startService(configB)) {
                assertThat(survivor.awaitRunning(WAIT)).isTrue();
                assertThat(leaver.awaitRunning(WAIT)).isTrue();
                awaitShared(prefix + "app", topics.input().name(), 2);
                produce(producer, topics, 0, EVENTS / 2);
                await(WAIT, () -> outputs.translations.size() + " translations", () -> {
                    outputs.poll();
                    return outputs.translations.size() >= 10;
                });
                beforeClose = outputs.translations.size();
            } // graceful close of one instance while the first half is being processed
            produce(producer, topics, EVENTS / 2, EVENTS);
            outputs.awaitAll(new LinkedHashSet<>(ids()), WAIT, QUIET);

            Counts counts = Counts.of(ids(), outputs);
            System.out.printf("close one of two (exactly_once_v2): %d translations before the close; %s; %d s%n",
                    beforeClose, counts, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            assertThat(counts.missing()).isZero();
            assertThat(counts.duplicateTranslations()).isZero();
        assertThat(counts.duplicateAlignments()).isZero();
            assertThat(counts.translations()).isEqualTo(EVENTS);
            assertThat(counts.alignments()).isEqualTo(EVENTS);
        }
    }

    /** What one kill run saw. */
    record Killed(Counts counts, Stall stall) {
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killingOneInstanceLosesAndDuplicatesNothingWithExactlyOnceV2(@TempDir Path a, @TempDir Path b)
            throws Exception {
        Killed killed = killOneOfTwo(EOS, new Properties(), a, b);
        Counts counts = killed.counts();
        assertThat(counts.missing()).isZero();
        assertThat(counts.duplicateTranslations()).isZero();
        assertThat(counts.duplicateAlignments()).isZero();
        assertThat(counts.translations()).isEqualTo(EVENTS);
        assertThat(counts.alignments()).isEqualTo(EVENTS);
        assertThat(killed.stall().survivorSeconds()).as("the survivor's longest output stall, s")
                .isLessThan(SURVIVOR_STALL_BOUND.toSeconds());
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killingOneInstanceLosesNothingWithAtLeastOnce(@TempDir Path a, @TempDir Path b) throws Exception {
        Killed killed = killOneOfTwo(ALOS, new Properties(), a, b);
        Counts counts = killed.counts();
        assertThat(counts.missing()).isZero();
        assertThat(counts.translations()).isGreaterThanOrEqualTo(EVENTS);
        assertThat(counts.alignments()).isGreaterThanOrEqualTo(EVENTS);
        assertThat(killed.stall().survivorSeconds()).as("the survivor's longest output stall, s")
                .isLessThan(SURVIVOR_STALL_BOUND.toSeconds());
    }

    /**
     * KIP-1071's broker-side protocol ({@code group.protocol=streams}) works with the processor and its pending
     * store: a kill loses and duplicates nothing. It does not shorten the stall: the broker, not the client, sets
     * the session timeout of a streams group, at least {@code group.streams.min.session.timeout.ms} (45 s by
     * default), so the takeover waits that long unless the broker's operator lowers it.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theStreamsRebalanceProtocolKeepsExactlyOnceThroughAKill(@TempDir Path a, @TempDir Path b)
            throws Exception {
        Properties streamsProtocol = new Properties();
        streamsProtocol.setProperty(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        Killed killed = killOneOfTwo(EOS, streamsProtocol, a, b);
        Counts counts = killed.counts();
        assertThat(counts.missing()).isZero();
        assertThat(counts.duplicateTranslations()).isZero();
        assertThat(counts.duplicateAlignments()).isZero();
        assertThat(killed.stall().survivorSeconds()).as("the survivor's longest output stall, s")
                .isLessThan(SURVIVOR_STALL_BOUND.toSeconds());
    }

    /**
     * Starts the victim as a separate JVM ({@link StreamlateApp} on this test's classpath), then the survivor here,
     * both with {@code extra} over the shipped defaults; produces paced events in the background, SIGKILLs the
     * victim once it has committed outputs of its own partitions, and reads everything back.
     */
    static Killed killOneOfTwo(String guarantee, Properties extra, Path stateA, Path stateB) throws Exception {
        String prefix = "kill-" + guarantee.charAt(0) + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String applicationId = prefix + "app";
        Properties survivorFile = killFile(prefix, stateA, guarantee);
        survivorFile.putAll(extra);
        ServiceConfig config = PEERS.fixture().config(survivorFile, applicationId, guarantee);
        Topics topics = PEERS.fixture().createTopics(config, PARTITIONS);
        String input = topics.input().name();

        Path victimPath = stateB.resolve("victim.properties");
        try (OutputStream out = Files.newOutputStream(victimPath)) {
            Properties victimFile = killFile(prefix, stateB.resolve("state"), guarantee);
            victimFile.putAll(extra);
            victimFile.store(out, "victim");
        }
        Path victimLog = stateB.resolve("victim.log");
        // a plain JVM with default settings, as operators launch it (native loading brings its own stack)
        Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), StreamlateApp.class.getName(),
                "--bootstrap-servers", PEERS.fixture().bootstrapServers(),
                "--schema-registry-url", PEERS.fixture().registryUrl(),
                "--config", victimPath.toString(), "--application-id", applicationId,
                "--processing-guarantee", guarantee, "--model", TinyModel.DIRECTORY.toAbsolutePath().toString(),
                "--threads", "1")
                .redirectErrorStream(true).redirectOutput(victimLog.toFile()).start();
        long started = System.nanoTime();
        try {
            awaitShared(applicationId, input, 1);
            String victimMember = PEERS.fixture().assignment(applicationId, input).keySet().iterator().next();
            try (StreamlateService survivor = startService(config);
                 EndToEndFixture.Outputs outputs = PEERS.fixture().outputs(topics, prefix + "checker");
                 KafkaProducer<byte[], byte[]> producer = PEERS.fixture().producer()) {
                assertThat(survivor.awaitRunning(WAIT)).isTrue();
                awaitShared(applicationId, input, 2);
                Set<Integer> victimPartitions = PEERS.fixture().assignment(applicationId, input).get(victimMember);
                assertThat(victimPartitions).as("the victim keeps its member id").isNotEmpty();

                AtomicInteger sent = new AtomicInteger();
                CompletableFuture<Void> flow = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < EVENTS; i++) {
                        produce(producer, topics, i, i + 1);
                        sent.incrementAndGet();
                        try {
                            Thread.sleep(PACE.toMillis()); // pacing: events keep flowing ~15 s, not a synchronisation
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
                await(WAIT, () -> "victim outputs on " + victimPartitions + " among "
                        + outputs.translations.size(), () -> {
                    outputs.poll();
                    return outputs.translations.stream()
                            .filter(r -> victimPartitions.contains(r.partition())).count() >= 5;
                });
                int sentAtKill = sent.get();
                int outputsAtKill = outputs.translations.size();
                victim.destroyForcibly(); // SIGKILL: no shutdown hook, no leave-group, an open transaction
                long killedAt = System.nanoTime();
                assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
                long flowDeadline = System.nanoTime() + WAIT.toNanos();
                while (!flow.isDone() && System.nanoTime() < flowDeadline) {
                    outputs.poll(); // reading all along: an output's arrival time is when a consumer could see it
                }
                flow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(outputsAtKill).as("work left at the kill").isLessThan(EVENTS);

                outputs.awaitAll(new LinkedHashSet<>(ids()), WAIT, QUIET);
                Counts counts = Counts.of(ids(), outputs);
                Stall stall = Stall.of(outputs, victimPartitions, killedAt);
                System.out.printf("SIGKILL one of two (%s%s): victim partitions %s, killed after %d sent / %d "
                                + "translated; exit %d; %s; %s; %d s%n", guarantee, extra.isEmpty() ? "" : ", " + extra,
                        victimPartitions, sentAtKill, outputsAtKill, victim.exitValue(), counts, stall,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                return new Killed(counts, stall);
            }
        } catch (AssertionError | RuntimeException e) {
            System.out.println("victim log tail:\n" + tail(victimLog));
            throw e;
        } finally {
            victim.destroyForcibly();
            victim.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
