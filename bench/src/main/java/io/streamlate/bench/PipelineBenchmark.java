package io.streamlate.bench;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.EmbeddedKafka;
import io.streamlate.model.LanguagePair;
import io.streamlate.model.ModelRegistry;
import io.streamlate.model.TranslationOptions;
import io.streamlate.model.Translator;
import io.streamlate.model.batching.BatchItem;
import io.streamlate.model.batching.BatchPolicy;
import io.streamlate.model.batching.Completion;
import io.streamlate.model.batching.MicroBatcher;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Timings;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * End-to-end benchmark of the service, in one run and on the same sentences and {@link BatchPolicy}: the bare
 * {@link MicroBatcher} (all sentences submitted at once), the real {@link StreamlateService} on the in-process
 * broker and Apicurio registry (all events pre-produced; time from RUNNING to the last Translation read with
 * read_committed), the end-to-end latency at a fixed rate of half the measured pipeline throughput (event_time to
 * consume time), and a sweep of maxDelay x maxTokens. Writes bench/results/pipeline-DATE.md. Run from the
 * repository root: {@code mvn -q install -DskipTests && mvn -q -pl bench exec:java
 * -Dexec.mainClass=io.streamlate.bench.PipelineBenchmark -Dexec.args="..."}.
 */
@Command(name = "pipeline-benchmark", mixinStandardHelpOptions = true,
        description = "Throughput and latency of the whole service (Kafka + registry + Kafka Streams) vs the bare "
                + "micro-batcher.")
public final class PipelineBenchmark implements Callable<Integer> {

    private static final LanguagePair PAIR = new LanguagePair("en", "fr");
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(3);
    private static final long ARRIVAL_SEED = 14;

    @Mixin
    BenchmarkInputs inputs = new BenchmarkInputs();

    @Option(names = "-n", description = "first N sentences (default: ${DEFAULT-VALUE})")
    int count = 2000;

    @Mixin
    SteadyState steady = new SteadyState(10);

    @Option(names = "--partitions", description = "input (and output) topic partitions (default: ${DEFAULT-VALUE})")
    int partitions = 4;

    @Option(names = "--guarantee", description = "processing.guarantee (default: ${DEFAULT-VALUE})")
    String guarantee = StreamsConfig.EXACTLY_ONCE_V2;

    @Option(names = "--commit-interval-ms", description = "commit.interval.ms (default: ${DEFAULT-VALUE})")
    int commitIntervalMs = 100;

    @Option(names = "--commit-on-output", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "streamlate.commit.on.output (default: ${DEFAULT-VALUE})")
    boolean commitOnOutput;

    @Option(names = "--commit-spacing-ms", description = "streamlate.commit.spacing.ms (default: ${DEFAULT-VALUE})")
    int commitSpacingMs = 60;

    @Option(names = "--output-order", description = "streamlate.output.order: key or partition (default: "
            + "${DEFAULT-VALUE})")
    String outputOrder = "key";

    @Option(names = "--threads", description = "streamlate.engine.threads, ONNX Runtime intra-op threads per "
            + "worker (0 = the cores / workers; default: ${DEFAULT-VALUE})")
    int threads = 0;

    @Option(names = "--max-sentences", description = "BatchPolicy.maxSentences (default: ${DEFAULT-VALUE})")
    int maxSentences = BatchPolicy.DEFAULT.maxSentences();

    @Option(names = "--max-tokens", description = "BatchPolicy.maxTokens (default: ${DEFAULT-VALUE})")
    int maxTokens = BatchPolicy.DEFAULT.maxTokens();

    @Option(names = "--max-delay-ms", description = "BatchPolicy.maxDelay (default: ${DEFAULT-VALUE})")
    int maxDelayMs = (int) BatchPolicy.DEFAULT.maxDelay().toMillis();

    @Option(names = "--workers", description = "BatchPolicy.workers (default: ${DEFAULT-VALUE})")
    int workers = BatchPolicy.DEFAULT.workers();

    @Option(names = "--latency-rate", description = "fixed-rate phase's events/s; 0 = half the median pipeline "
            + "throughput (default: ${DEFAULT-VALUE})")
    double latencyRate = 0;

    @Option(names = "--latency-seconds", description = "fixed-rate phase length (default: ${DEFAULT-VALUE})")
    int latencySeconds = 15;

    @Option(names = "--sweep-delays-ms", split = ",", description = "maxDelay sweep (default: ${DEFAULT-VALUE})")
    List<Integer> sweepDelays = List.of(5, 20, 50);

    @Option(names = "--sweep-tokens", split = ",", description = "maxTokens sweep (default: ${DEFAULT-VALUE})")
    List<Integer> sweepTokens = List.of(1024, 4096);

    @Option(names = "--sweep-n", description = "sentences per sweep throughput run (default: ${DEFAULT-VALUE})")
    int sweepCount = 400;

    @Option(names = "--sweep-repeats", description = "throughput repeats per sweep point (default: ${DEFAULT-VALUE})")
    int sweepRepeats = 3;

    @Option(names = "--sweep-latency-seconds", description = "fixed-rate phase per sweep point "
            + "(default: ${DEFAULT-VALUE})")
    int sweepLatencySeconds = 8;

    @Option(names = "--no-sweep", description = "skip the sweep")
    boolean noSweep;

    private final String[] args;
    private int run;
    private int warmupPairs;

    PipelineBenchmark(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PipelineBenchmark(args)).execute(args));
    }

    /** Throughput of one run: sentences, target subword tokens (bare side only, else -1), seconds. */
    record Throughput(int sentences, long tokens, double seconds) {
        double sentencesPerSecond() {
            return sentences / seconds;
        }
    }

    /**
     * The fixed-rate phase: offered rate, events, p50, p99 and max of event_time to consume time, and the median
     * over its sentences of their engine time (Translation.timings.inference_ms: their batch's start to their own
     * result, at most the batch's engine time), in ms.
     */
    record Latency(double rate, int events, double achievedRate, long p50, long p99, long max, long medianEngine,
                   List<Part> parts, CpuShares cpu) {
    }

    /** One share of the end-to-end latency, p50 and p99 over the phase's outputs. */
    record Part(String name, long p50, long p99) {
    }

    /** What one Translation read says of its latency, in ms, and the size of its batch. */
    record Output(long latency, long queueWait, long inference, long inService, long batchSize) {
    }

    /** One sweep point. */
    record SweepPoint(int maxDelayMs, int maxTokens, double sentencesPerSecond, Latency latency) {
    }

    @Override
    public Integer call() throws Exception {
        long began = System.nanoTime();
        Path source = inputs.sentenceFile();
        List<String> sentences = inputs.read(count);
        // the bare batcher's sessions are the ones the service builds from the same settings
        Properties engine = new Properties();
        engine.setProperty(StreamlateConfig.ENGINE_THREADS, Integer.toString(threads));
        engine.setProperty(StreamlateConfig.BATCH_WORKERS, Integer.toString(workers));
        SessionSettings sessions = StreamlateConfig.of(engine).engine().sessions();
        BatchPolicy policy = policy(maxDelayMs, maxTokens);
        progress("%d sentences of %s, policy %s, %s, %d cores", sentences.size(), source, policy, guarantee,
                Runtime.getRuntime().availableProcessors());

        List<Throughput> bare = new ArrayList<>();
        String modelName;
        Path stateRoot = Files.createTempDirectory("streamlate-bench-state-");
        progress("starting the in-process Kafka broker and the Apicurio registry");
        List<Throughput> pipeline = new ArrayList<>();
        Latency latency = null;
        List<SweepPoint> sweep = new ArrayList<>();
        Part alone = null;
        try (ModelRegistry models = new ModelRegistry(sessions); EmbeddedKafka kafka = EmbeddedKafka.start();
             ApicurioRegistry registry = ApicurioRegistry.start()) {
            models.load(inputs.model());
            modelName = models.get(PAIR).manifest().modelId() + " " + models.get(PAIR).manifest().modelVersion();
            Env env = new Env(kafka, registry, stateRoot, sessions);
            // 1-3. Pairs of runs, bare micro-batcher then full pipeline, so that the JVM's drift (on 2 cores it
            // keeps speeding up for minutes) reaches both sides alike. Warm-up pairs go on until the last three
            // pipeline runs agree within the tolerance; then the timed pairs, latency on the last pipeline run.
            List<Double> warm = new ArrayList<>();
            while (steady.needsWarmup(warm)) {
                Throughput b = bareRun(models, policy, sentences);
                Result p = pipelineRun(env, policy, sentences, 0, List.copyOf(warm), "warm-up");
                warm.add(p.throughput().sentencesPerSecond());
                progress("warm-up pair %d: bare %.1f, pipeline %.1f sent/s", warm.size(), b.sentencesPerSecond(),
                        p.throughput().sentencesPerSecond());
            }
            warmupPairs = warm.size();
            for (int r = 0; r < steady.repeats; r++) {
                Throughput b = bareRun(models, policy, sentences);
                bare.add(b);
                boolean measureLatency = r == steady.repeats - 1;
                Result result = pipelineRun(env, policy, sentences, measureLatency ? latencySeconds : 0,
                        pipeline.stream().map(Throughput::sentencesPerSecond).toList(), "main");
                pipeline.add(result.throughput());
                latency = result.latency();
                progress("pair %d/%d: bare %.1f sent/s (%.0f tok/s), pipeline %.1f sent/s", r + 1, steady.repeats,
                        b.sentencesPerSecond(), b.tokens() / b.seconds(), result.throughput().sentencesPerSecond());
            }
            alone = aloneTimes(models.get(PAIR), sentences);
            // 4. sweep
            if (!noSweep) {
                List<String> sweepSentences = sentences.subList(0, Math.min(sweepCount, sentences.size()));
                for (int delay : sweepDelays) {
                    for (int tokens : sweepTokens) {
                        BatchPolicy point = policy(delay, tokens);
                        List<Double> rates = new ArrayList<>();
                        Latency pointLatency = null;
                        for (int r = 0; r < sweepRepeats; r++) {
                            boolean measureLatency = r == sweepRepeats - 1;
                            Result result = pipelineRun(env, point, sweepSentences,
                                    measureLatency ? sweepLatencySeconds : 0, List.copyOf(rates), "sweep");
                            rates.add(result.throughput().sentencesPerSecond());
                            pointLatency = result.latency();
                        }
                        double rate = median(rates.stream().mapToDouble(d -> d).toArray());
                        sweep.add(new SweepPoint(delay, tokens, rate, pointLatency));
                        progress("sweep maxDelay %d ms, maxTokens %d: %.1f sent/s, p50 %d ms, p99 %d ms", delay,
                                tokens, rate, pointLatency.p50(), pointLatency.p99());
                    }
                }
            }
        } finally {
            deleteRecursively(stateRoot);
        }
        double bareSentences = median(bare.stream().mapToDouble(Throughput::sentencesPerSecond).toArray());
        double bareTokens = median(bare.stream().mapToDouble(t -> t.tokens() / t.seconds()).toArray());
        long tokensPerPass = bare.get(0).tokens();
        double pipelineSentences = median(pipeline.stream().mapToDouble(Throughput::sentencesPerSecond).toArray());
        double pipelineSeconds = median(pipeline.stream().mapToDouble(Throughput::seconds).toArray());
        String report = render(modelName, source, sentences.size(), policy, sessions, bareSentences, bareTokens,
                pipelineSentences, tokensPerPass / pipelineSeconds, latency, alone, sweep,
                Duration.ofNanos(System.nanoTime() - began));
        System.out.print(report);
        Path file = inputs.reportFile("pipeline");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        progress("written to %s", file);
        return 0;
    }

    private BatchPolicy policy(int delayMs, int tokens) {
        return BatchPolicy.DEFAULT.withMaxSentences(maxSentences).withMaxTokens(tokens)
                .withMaxDelay(Duration.ofMillis(delayMs)).withWorkers(workers)
                .withMaxQueued(Math.max(BatchPolicy.DEFAULT.maxQueued(), 4 * maxSentences));
    }

    // ---------------------------------------------------------------- bare engine

    /**
     * Each sentence translated alone, one after another, with the service's sessions and decoding: the floor
     * under its latency in any batch, since its decoder steps run one after the other whatever else is batched.
     */
    private static Part aloneTimes(Translator translator, List<String> sentences) {
        TranslationOptions options = translator.defaultOptions();
        List<Long> millis = new ArrayList<>();
        for (String sentence : sentences) {
            long began = System.nanoTime();
            translator.translateBatch(List.of(sentence), options);
            millis.add((System.nanoTime() - began) / 1_000_000);
        }
        millis.sort(Comparator.naturalOrder());
        return part("a sentence translated alone (its own decoder steps, one after the other)", millis);
    }

    private static Throughput bareRun(ModelRegistry models, BatchPolicy policy, List<String> sentences)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(sentences.size());
        AtomicLong tokens = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start;
        long end;
        try (MicroBatcher batcher = MicroBatcher.builder(models::find)
                .policy(policy).name("bench-batcher").build()) {
            start = System.nanoTime();
            for (int i = 0; i < sentences.size(); i++) {
                batcher.submit(BatchItem.translate(i, PAIR, sentences.get(i), (Completion<Integer> c) -> {
                    if (c instanceof Completion.Done<Integer> translated) {
                        tokens.addAndGet(translated.result().targetPieces().size());
                    } else {
                        failed.incrementAndGet();
                    }
                    done.countDown();
                }));
            }
            if (!done.await(OUTPUT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("bare run: " + done.getCount() + " items not completed");
            }
            end = System.nanoTime();
        }
        if (failed.get() > 0) {
            progress("bare run: %d sentences failed", failed.get());
        }
        return new Throughput(sentences.size(), tokens.get(), (end - start) / 1e9);
    }

    // ---------------------------------------------------------------- pipeline

    private record Env(EmbeddedKafka kafka, ApicurioRegistry registry, Path stateRoot, SessionSettings sessions) {
    }

    private record Result(Throughput throughput, Latency latency) {
    }

    /**
     * A fresh service (own application id and topics), all {@code sentences} pre-produced, timed from RUNNING to
     * the last Translation read; then, if {@code latencySeconds > 0}, a fixed-rate phase at half the throughput
     * (the median of {@code earlierRates} and this run's) on the same service.
     */
    private Result pipelineRun(Env env, BatchPolicy policy, List<String> sentences, int latencySeconds,
                               List<Double> earlierRates, String label) throws Exception {
        int id = ++run;
        String prefix = "bench" + id + "-";
        Properties file = new Properties();
        file.setProperty(StreamsConfig.STATE_DIR_CONFIG, env.stateRoot().resolve("run" + id).toString());
        file.setProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.toString(commitIntervalMs));
        file.setProperty(StreamlateConfig.COMMIT_ON_OUTPUT, Boolean.toString(commitOnOutput));
        file.setProperty(StreamlateConfig.OUTPUT_ORDER, outputOrder);
        file.setProperty(StreamlateConfig.COMMIT_SPACING_MS, Integer.toString(commitSpacingMs));
        file.setProperty(StreamlateConfig.INPUT_TOPIC, prefix + "sentences");
        file.setProperty(StreamlateConfig.TRANSLATIONS_TOPIC, prefix + "translations");
        file.setProperty(StreamlateConfig.ALIGNMENTS_TOPIC, prefix + "alignments");
        file.setProperty(StreamlateConfig.DEAD_LETTER_TOPIC, prefix + "dlq");
        file.setProperty(StreamlateConfig.HTTP_PORT, "0");
        file.setProperty(StreamlateConfig.MODELS, inputs.model().toString());
        file.setProperty(StreamlateConfig.ENGINE_THREADS, Integer.toString(threads));
        file.setProperty(StreamlateConfig.DEFAULT_TARGET_LANGUAGE, PAIR.target());
        file.setProperty(StreamlateConfig.BATCH_MAX_SENTENCES, Integer.toString(policy.maxSentences()));
        file.setProperty(StreamlateConfig.BATCH_MAX_TOKENS, Integer.toString(policy.maxTokens()));
        file.setProperty(StreamlateConfig.BATCH_MAX_DELAY_MS, Long.toString(policy.maxDelay().toMillis()));
        file.setProperty(StreamlateConfig.BATCH_MAX_QUEUED, Integer.toString(policy.maxQueued()));
        file.setProperty(StreamlateConfig.BATCH_WORKERS, Integer.toString(policy.workers()));
        ServiceConfig config = ServiceConfig.build(file, new ServiceConfig.Overrides(env.kafka().bootstrapServers(),
                env.registry().ccompatUrl().toString(), "streamlate-bench-" + id, guarantee));
        TopologyConfig topology = config.topology();
        env.kafka().createTopic(topology.inputTopic(), partitions);
        env.kafka().createTopic(topology.translationsTopic(), partitions);
        env.kafka().createTopic(topology.alignmentsTopic(), partitions);
        env.kafka().createTopic(topology.deadLetterTopic(), 1);
        Topics topics = Topics.of(topology, config.serdes());
        Serializer<SentenceEvent> serializer = topics.input().valueSerde().serializer();

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer());
             Reader reader = new Reader(env.kafka().bootstrapServers(), topics, partitions)) {
            for (int i = 0; i < sentences.size(); i++) {
                send(producer, topics, serializer, "t" + i, "doc-" + (i % (partitions * 4)), i, sentences.get(i),
                        Instant.now());
            }
            producer.flush();
            progress("%s run %d: %d events produced, starting the service (maxDelay %d ms, maxTokens %d)", label,
                    id, sentences.size(), policy.maxDelay().toMillis(), policy.maxTokens());

            try (StreamlateService service = StreamlateService.start(config)) {
                if (!service.awaitRunning(STARTUP_TIMEOUT)) {
                    throw new IllegalStateException("Kafka Streams did not reach RUNNING (" + service.state() + ")");
                }
                long start = System.nanoTime();
                Set<String> waiting = new HashSet<>();
                IntStream.range(0, sentences.size()).forEach(i -> waiting.add("t" + i));
                long deadline = start + OUTPUT_TIMEOUT.toNanos();
                long last = start;
                while (!waiting.isEmpty()) {
                    checkRunning(service, deadline, waiting.size());
                    for (String done : reader.poll().keySet()) {
                        if (waiting.remove(done)) {
                            last = System.nanoTime();
                        }
                    }
                }
                Throughput throughput = new Throughput(sentences.size(), -1, (last - start) / 1e9);
                progress("%s run %d: %.1f sent/s (%.2f s from RUNNING to the last Translation)", label, id,
                        throughput.sentencesPerSecond(), throughput.seconds());
                if (reader.deadLetters > 0) {
                    progress("%s run %d: %d dead letters", label, id, reader.deadLetters);
                }
                Latency latency = null;
                if (latencySeconds > 0) {
                    List<Double> all = new ArrayList<>(earlierRates);
                    all.add(throughput.sentencesPerSecond());
                    double rate = latencyRate > 0 ? latencyRate
                            : median(all.stream().mapToDouble(d -> d).toArray()) / 2;
                    latency = latencyPhase(service, producer, reader, topics, serializer, sentences, rate,
                            latencySeconds, label, id);
                }
                return new Result(throughput, latency);
            }
        }
    }

    private Latency latencyPhase(StreamlateService service, KafkaProducer<byte[], byte[]> producer, Reader reader,
                                 Topics topics, Serializer<SentenceEvent> serializer, List<String> sentences,
                                 double rate, int seconds, String label, int id) throws InterruptedException {
        int events = Math.max(1, (int) Math.round(rate * seconds));
        long period = (long) (1e9 / rate);
        progress("%s run %d: latency at %.1f events/s for %d s (%d events)", label, id, rate, seconds, events);
        // the test file is sorted by text, which groups long strings: replayed in file order, a stretch of them
        // offers more work than the service does in that time although the rate is half its throughput on average
        List<String> arrivals = new ArrayList<>(sentences);
        Collections.shuffle(arrivals, new Random(ARRIVAL_SEED));
        Thread sender = new Thread(() -> {
            long begin = System.nanoTime();
            for (int i = 0; i < events; i++) {
                long due = begin + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                String key = "l" + i;
                Instant now = Instant.now();
                send(producer, topics, serializer, key, "live-" + (i % 16), i, arrivals.get(i % arrivals.size()),
                        now);
            }
            producer.flush();
        }, "bench-fixed-rate-producer");
        CpuShares.Start cpuStart = CpuShares.start(MicroBatcher.workerThreadPrefix(MicroBatcher.DEFAULT_NAME));
        long phaseStart = System.nanoTime();
        sender.start();
        List<Output> outputs = new ArrayList<>(events);
        Set<String> waiting = new HashSet<>();
        IntStream.range(0, events).forEach(i -> waiting.add("l" + i));
        long deadline = phaseStart + TimeUnit.SECONDS.toNanos(seconds) + OUTPUT_TIMEOUT.toNanos();
        long lastOutput = phaseStart;
        while (!waiting.isEmpty()) {
            checkRunning(service, deadline, waiting.size());
            for (Map.Entry<String, Output> entry : reader.poll().entrySet()) {
                if (waiting.remove(entry.getKey())) {
                    outputs.add(entry.getValue());
                    lastOutput = System.nanoTime();
                }
            }
        }
        sender.join();
        CpuShares cpu = CpuShares.until(cpuStart);
        List<Long> latencies = sorted(outputs, Output::latency);
        List<Long> engine = sorted(outputs, Output::inference);
        double achieved = events / ((lastOutput - phaseStart) / 1e9);
        List<Part> parts = new ArrayList<>();
        parts.add(part("queue wait: arrival in the service to its batch's start", sorted(outputs, Output::queueWait)));
        parts.add(part("engine: its batch's start to its own result", engine));
        parts.add(part("its batch's size (sentences, not ms)", sorted(outputs, Output::batchSize)));
        parts.add(part("in the service: arrival to the output produced", sorted(outputs, Output::inService)));
        parts.add(part("outside the service: produce to arrival, and output produced to read (commit, fetch)",
                sorted(outputs, o -> o.latency() - o.inService())));
        return new Latency(rate, events, achieved, percentile(latencies, 50), percentile(latencies, 99),
                latencies.get(latencies.size() - 1), percentile(engine, 50), parts, cpu);
    }

    private static List<Long> sorted(List<Output> outputs, ToLongFunction<Output> part) {
        return outputs.stream().map(part::applyAsLong).sorted().toList();
    }

    private static Part part(String name, List<Long> sorted) {
        return new Part(name, percentile(sorted, 50), percentile(sorted, 99));
    }

    private static void checkRunning(StreamlateService service, long deadline, int missing) {
        if (service.state() == KafkaStreams.State.ERROR || service.state() == KafkaStreams.State.NOT_RUNNING) {
            throw new IllegalStateException("Kafka Streams is " + service.state() + " (see the log)");
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(missing + " outputs did not arrive in time");
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics,
                             Serializer<SentenceEvent> serializer, String id, String document, int position,
                             String text, Instant eventTime) {
        SentenceEvent event = SentenceEvent.newBuilder().setId(id).setText(text).setSourceLanguage(PAIR.source())
                .setTargetLanguage(PAIR.target()).setDocumentId(document).setPosition(position)
                .setEventTime(eventTime).build();
        producer.send(new ProducerRecord<>(topics.input().name(), document.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topics.input().name(), event)));
    }

    /**
     * Reads the translations and dead-letter topics (read_committed, assigned from the beginning, no group):
     * each poll returns id → end-to-end latency in ms (consume time minus the Translation's input timestamp, which
     * is the SentenceEvent's produce time) with the Translation's own timings; dead letters count as done, with no
     * latency.
     */
    private static final class Reader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Topics topics;
        private final Deserializer<Translation> translations;
        int deadLetters;

        Reader(String bootstrap, Topics topics, int partitions) {
            this.topics = topics;
            this.translations = topics.translations().valueSerde().deserializer();
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topics.translations().name(), p));
            }
            assigned.add(new TopicPartition(topics.deadLetters().name(), 0));
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
        }

        Map<String, Output> poll() {
            Map<String, Output> done = new java.util.HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                long now = System.currentTimeMillis();
                if (record.topic().equals(topics.translations().name())) {
                    Translation translation = translations.deserialize(record.topic(), record.value());
                    Timings timings = translation.getTimings();
                    done.put(translation.getId(), new Output(now - record.timestamp(), timings.getQueueWaitMs(),
                            timings.getInferenceMs(), timings.getTotalMs(), translation.getBatchSize()));
                } else {
                    deadLetters++;
                    // the dead letter's key is the input's key; ids are not decoded here
                }
            }
            return done;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    // ---------------------------------------------------------------- report

    private String render(String modelName, Path source, int sentences, BatchPolicy policy, SessionSettings sessions,
                          double bareSentences,
                          double bareTokens, double pipelineSentences, double pipelineTokens, Latency latency,
                          Part alone, List<SweepPoint> sweep, Duration took) {
        StringBuilder text = new StringBuilder("# End-to-end pipeline vs bare micro-batcher\n\n");
        text.append(String.format(Locale.ROOT, "Model %s (%s), first %d sentences of %s; %s, input topic with %d "
                        + "partitions, commit.interval.ms %d, commit on output %s (spaced %d ms), output order per "
                        + "%s, ORT intra-op threads %d per worker; "
                        + "BatchPolicy maxSentences %d, "
                        + "maxTokens %d, maxDelay %d ms, maxQueued %d, workers %d. Machine: %d cores (`nproc`), "
                        + "broker, registry, service, producer and reader all on it. Throughput: runs in pairs, "
                        + "the bare micro-batcher then the full pipeline (a fresh service, application id and "
                        + "topics each time, timed from the RUNNING state to the last Translation read with "
                        + "read_committed), so that the JVM's drift over minutes reaches both alike; %d warm-up "
                        + "pairs, until the last three pipeline runs agreed within %.0f%%, then the median of %d "
                        + "timed pairs. Pipeline tokens/s = the bare run's target subwords for these sentences / "
                        + "the pipeline's median time. Latency: event produce time (= the output's record "
                        + "timestamp) to consume time of its Translation (read_committed), at a fixed rate of %s "
                        + "on the last pipeline run's service, the sentences in an order shuffled once (seed %d: the "
                        + "file is sorted by text, which groups long strings); its bound is maxDelay "
                        + "+ 2 x the median engine time of that phase's sentences (a sentence waits at most maxDelay "
                        + "for its batch to close and at most one running batch before its own; a sentence's engine "
                        + "time, from its batch's start to its own result, is at most its batch's, so this bound is "
                        + "at most maxDelay + 2 x the median batch time). Whole run took %d s.%n%n",
                modelName, inputs.model(), sentences, source, guarantee, partitions, commitIntervalMs,
                commitOnOutput, commitSpacingMs, outputOrder, sessions.intraOpThreads(), policy.maxSentences(),
                policy.maxTokens(),
                policy.maxDelay().toMillis(), policy.maxQueued(), policy.workers(),
                Runtime.getRuntime().availableProcessors(), warmupPairs, 100 * steady.tolerance, steady.repeats,
                latencyRate > 0 ? String.format(Locale.ROOT, "%.1f events/s (`--latency-rate`)", latencyRate)
                        : "half the median pipeline throughput", ARRIVAL_SEED, took.toSeconds()));
        text.append("| stage | sent/s | target tok/s |\n|---|---:|---:|\n");
        text.append(String.format(Locale.ROOT, "| bare MicroBatcher | %.1f | %.0f |%n", bareSentences, bareTokens));
        text.append(String.format(Locale.ROOT, "| full pipeline | %.1f | %.0f |%n", pipelineSentences,
                pipelineTokens));
        text.append(String.format(Locale.ROOT, "| pipeline / bare | %.2f | |%n%n", pipelineSentences / bareSentences));
        if (latency != null) {
            long bound = policy.maxDelay().toMillis() + 2 * latency.medianEngine();
            text.append("| offered rate (ev/s) | events | p50 (ms) | p99 (ms) | max (ms) | median engine (ms) "
                    + "| bound (ms) | p99 / bound |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            text.append(String.format(Locale.ROOT, "| %.1f | %d | %d | %d | %d | %d | %d | %.2f |%n%n",
                    latency.rate(), latency.events(), latency.p50(), latency.p99(), latency.max(),
                    latency.medianEngine(), bound, (double) latency.p99() / bound));
            text.append("Where the latency goes (the Translation's own timings):\n\n| part | p50 (ms) | p99 (ms) |\n"
                    + "|---|---:|---:|\n");
            for (Part part : latency.parts()) {
                text.append(String.format(Locale.ROOT, "| %s | %d | %d |%n", part.name(), part.p50(), part.p99()));
            }
            text.append(String.format(Locale.ROOT, "| %s | %d | %d |%n", alone.name(), alone.p50(), alone.p99()));
            text.append(String.format(Locale.ROOT, "%nCPU during the fixed-rate phase, as shares of all %d cores: "
                    + "%s.%n%n", Runtime.getRuntime().availableProcessors(), latency.cpu().describe("the engine's "
                    + "workers")));
        }
        if (!sweep.isEmpty()) {
            text.append(String.format(Locale.ROOT, "Sweep: first %d sentences, throughput median of %d, latency for "
                            + "%d s at half of that point's throughput; other settings as above.%n%n",
                    Math.min(sweepCount, sentences), sweepRepeats, sweepLatencySeconds));
            text.append("| maxDelay (ms) | maxTokens | pipeline sent/s | rate (ev/s) | p50 (ms) | p99 (ms) |\n"
                    + "|---:|---:|---:|---:|---:|---:|\n");
            for (SweepPoint point : sweep) {
                text.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f | %d | %d |%n", point.maxDelayMs(),
                        point.maxTokens(), point.sentencesPerSecond(), point.latency().rate(),
                        point.latency().p50(), point.latency().p99()));
            }
            text.append('\n');
        }
        text.append("Command (from the repository root):\n\n    mvn -q install -DskipTests && mvn -q -pl bench "
                + "exec:java -Dexec.mainClass=io.streamlate.bench.PipelineBenchmark -Dexec.args=\""
                + String.join(" ", args) + "\"\n");
        return text.toString();
    }

    private static long percentile(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static void progress(String format, Object... values) {
        System.out.printf(Locale.ROOT, "[%tT] " + format + "%n",
                Stream.concat(Stream.of((Object) new java.util.Date()), Stream.of(values)).toArray());
        System.out.flush();
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + directory + ": " + e);
        }
    }
}
