package io.streamlate.topology.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.streamlate.model.LanguagePair;
import io.streamlate.model.Translator;
import io.streamlate.model.batching.BatchListener;
import io.streamlate.model.batching.BatchReport;
import io.streamlate.model.onnx.Device;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;

/**
 * Every {@code streamlate.*} meter (Prometheus: {@code streamlate_*}; topology/OBSERVABILITY.md lists them), fed by
 * the batcher as its {@link BatchListener}, by the processor through the public methods, and by gauges that read
 * the service's parts when scraped. Also binds the JVM's and a Kafka Streams client's own metrics to the same
 * registry. Language pairs are tags: one value per loaded model, so their cardinality stays small.
 *
 * <p>Histogram buckets are fixed service-level boundaries rather than Micrometer's percentile histogram: a dozen
 * buckets per series, covering the batch policy's bounds (sentences up to 4096, tokens up to 16384) and latencies
 * from a millisecond to a minute. The {@code gauge*} methods are meant to be called once: Micrometer keeps a
 * gauge's first supplier and ignores a second registration under the same name. Thread-safe.
 */
public final class StreamlateMetrics implements BatchListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamlateMetrics.class);
    private static final double[] SENTENCE_BUCKETS = powersOfTwo(1, 4096);
    private static final double[] TOKEN_BUCKETS = powersOfTwo(8, 16384);
    private static final Duration[] QUEUE_BUCKETS = millis(1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000,
            5_000, 10_000);
    private static final Duration[] INFERENCE_BUCKETS = millis(5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000,
            10_000, 30_000);
    private static final Duration[] END_TO_END_BUCKETS = millis(10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000,
            10_000, 30_000, 60_000);

    private final MeterRegistry registry;
    private final List<AutoCloseable> closeableBinders = new CopyOnWriteArrayList<>();
    private final Counter rebalances;

    public StreamlateMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.rebalances = counter("streamlate.rebalances", "times the Kafka Streams client went from RUNNING to "
                + "REBALANCING", Tags.empty());
    }

    @Override
    public void batchCompleted(BatchReport report) {
        Tags pair = pair(report.pair());
        summary("streamlate.batch.sentences", "sentences in a batch", null, SENTENCE_BUCKETS, pair)
                .record(report.sentences());
        summary("streamlate.batch.source.tokens", "source tokens in a batch", "tokens", TOKEN_BUCKETS, pair)
                .record(report.sourceTokens());
        summary("streamlate.batch.padded.tokens", "longest source x sentences, what maxTokens bounds", "tokens",
                TOKEN_BUCKETS, pair).record(report.paddedTokens());
        timer("streamlate.batch.queue.wait", "queue wait of a batch's oldest item", QUEUE_BUCKETS, pair)
                .record(report.oldestWait());
        timer("streamlate.batch.inference", "engine time per batch", INFERENCE_BUCKETS, pair)
                .record(report.inference());
        Counter.builder("streamlate.batches").description("batches run, by the rule that closed them")
                .tags(pair).tag("reason", report.reason().name().toLowerCase(Locale.ROOT)).register(registry)
                .increment();
        counter("streamlate.sentences.translated", "sentences translated", pair).increment(report.translated());
        counter("streamlate.sentences.failed", "sentences that ran in a batch but failed", pair)
                .increment(report.sentences() - report.translated());
        counter("streamlate.target.tokens", "target subwords of translated sentences, EOS excluded", pair)
                .increment(report.targetTokens());
    }

    @Override
    public void offerTimedOut(LanguagePair languagePair) {
        counter("streamlate.offer.timeouts", "bounded offers to the batcher that gave up on a full queue",
                pair(languagePair)).increment();
    }

    @Override
    public void abandoned(int items) {
        counter("streamlate.abandoned.items", "items left unfinished when the batcher closed", Tags.empty())
                .increment(items);
    }

    /** A record went to the dead-letter topic; {@code reason} is its dead-letter reason code. */
    public void deadLettered(String reason) {
        Counter.builder("streamlate.dead.letters").description("records sent to the dead-letter topic")
                .tag("reason", reason).register(registry).increment();
    }

    /** A translation was forwarded downstream {@code sinceReceipt} after its input reached the processor. */
    public void forwarded(LanguagePair languagePair, Duration sinceReceipt) {
        timer("streamlate.end.to.end", "input receipt to output forward", END_TO_END_BUCKETS, pair(languagePair))
                .record(sinceReceipt);
    }

    /**
     * The Kafka Streams client left RUNNING for REBALANCING: a member joined or left, or this instance's tasks
     * were fenced and rejoin. A steady count is what a fault that should move nothing must leave.
     */
    public void rebalanced() {
        rebalances.increment();
    }

    /** Inputs received and not yet answered (buffered in the processor's store). */
    public void gaugePendingInputs(IntSupplier pendingInputs) {
        gauge("streamlate.pending.inputs", "inputs received, not yet forwarded", pendingInputs);
    }

    /** The batcher's queued items and items in running batches. */
    public void gaugeBatcher(IntSupplier queued, IntSupplier inFlight) {
        gauge("streamlate.batcher.queued", "items waiting in the batcher's queue", queued);
        gauge("streamlate.batcher.in.flight", "items in batches the engine is running", inFlight);
    }

    /** 1 while consumption is paused for backpressure, else 0. */
    public void gaugePaused(BooleanSupplier paused) {
        gauge("streamlate.paused", "1 while input consumption is paused for backpressure",
                () -> paused.getAsBoolean() ? 1 : 0);
    }

    /**
     * A model is loaded and runs on {@code device}: {@code streamlate_model_loaded{pair,model,version} 1} and
     * {@code streamlate_execution_provider{provider} 1}.
     */
    public void modelLoaded(LanguagePair languagePair, String modelId, String modelVersion, Device device) {
        Gauge.builder("streamlate.model.loaded", () -> 1).description("1 per loaded model")
                .tags(pair(languagePair)).tag("model", modelId).tag("version", modelVersion).register(registry);
        Gauge.builder("streamlate.execution.provider", () -> 1)
                .description("1 per ONNX Runtime execution provider models run on")
                .tag("provider", device.kind().name().toLowerCase(Locale.ROOT)).register(registry);
    }

    /**
     * {@code streamlate_engine_texts_tokenized_total{pair}}: every text the pair's model tokenised (a given
     * translation counts its two texts), once each whatever path it took.
     */
    public void countTokenized(LanguagePair languagePair, Translator translator) {
        FunctionCounter.builder("streamlate.engine.texts.tokenized", translator, Translator::textsTokenized)
                .description("texts the model tokenised").tags(pair(languagePair)).register(registry);
    }

    /** The JVM's memory, GC, threads, class loading, and the process's CPU, uptime and file descriptors. */
    public void bindJvmAndProcess() {
        JvmGcMetrics gc = new JvmGcMetrics();
        closeableBinders.add(gc);
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
            binder.bindTo(registry);
        }
    }

    /** The client's own metrics ({@code kafka_*}), its consumers' {@code records-lag-max} among them. */
    public void bindStreams(KafkaStreams streams) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        closeableBinders.add(binder);
        binder.bindTo(registry);
    }

    /** Stops the binders that refresh or listen in the background; the meters stay registered. */
    @Override
    public void close() {
        for (AutoCloseable binder : closeableBinders) {
            try {
                binder.close();
            } catch (Exception e) {
                LOG.warn("closing metrics binder {} failed", binder, e);
            }
        }
        closeableBinders.clear();
    }

    private DistributionSummary summary(String name, String description, String unit, double[] buckets, Tags tags) {
        return DistributionSummary.builder(name).description(description).baseUnit(unit)
                .serviceLevelObjectives(buckets).tags(tags).register(registry);
    }

    private Timer timer(String name, String description, Duration[] buckets, Tags tags) {
        return Timer.builder(name).description(description).serviceLevelObjectives(buckets).tags(tags)
                .register(registry);
    }

    private Counter counter(String name, String description, Tags tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private void gauge(String name, String description, IntSupplier value) {
        Objects.requireNonNull(value, name);
        Gauge.builder(name, value::getAsInt).description(description).register(registry);
    }

    private static Tags pair(LanguagePair pair) {
        return Tags.of("pair", pair.toString());
    }

    private static double[] powersOfTwo(int from, int to) {
        return IntStream.iterate(from, n -> n <= to, n -> n * 2).asDoubleStream().toArray();
    }

    private static Duration[] millis(long... bounds) {
        return Arrays.stream(bounds).mapToObj(Duration::ofMillis).toArray(Duration[]::new);
    }
}
