package io.streamlate.topology.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamlate.model.LanguagePair;
import io.streamlate.model.Translator;
import io.streamlate.model.batching.BatchItem;
import io.streamlate.model.batching.BatchPolicy;
import io.streamlate.model.batching.BatchReport;
import io.streamlate.model.batching.CloseReason;
import io.streamlate.model.batching.Completion;
import io.streamlate.model.batching.MicroBatcher;
import io.streamlate.model.onnx.Device;
import io.streamlate.topology.TinyModel;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Meter values after known inputs, read back through Micrometer's own API. */
class StreamlateMetricsTest {

    private static final LanguagePair EN_FR = new LanguagePair("en", "fr");
    private static final LanguagePair EN_DE = new LanguagePair("en", "de");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StreamlateMetrics metrics = new StreamlateMetrics(registry);

    @AfterEach
    void close() {
        metrics.close();
        registry.close();
    }

    @Test
    void aBatchReportFeedsTheHistogramsTimersAndCounters() {
        metrics.batchCompleted(new BatchReport(1, EN_FR, CloseReason.SENTENCES, 3, 20, 24, Duration.ofMillis(15),
                Duration.ofMillis(120), 3, 25));
        metrics.batchCompleted(new BatchReport(2, EN_FR, CloseReason.DELAY, 2, 10, 12, Duration.ofMillis(30),
                Duration.ofMillis(80), 1, 7));
        metrics.batchCompleted(new BatchReport(3, EN_DE, CloseReason.DELAY, 1, 4, 4, Duration.ofMillis(1),
                Duration.ofMillis(9), 1, 5));

        HistogramSnapshot sentences = registry.get("streamlate.batch.sentences").tag("pair", "en-fr").summary()
                .takeSnapshot();
        assertThat(sentences.count()).isEqualTo(2);
        assertThat(sentences.total()).isEqualTo(5);
        assertThat(sentences.max()).isEqualTo(3);
        assertThat(cumulativeCounts(sentences)).containsEntry(1.0, 0.0).containsEntry(2.0, 1.0)
                .containsEntry(4.0, 2.0).containsEntry(4096.0, 2.0);
        assertThat(registry.get("streamlate.batch.source.tokens").tag("pair", "en-fr").summary().totalAmount())
                .isEqualTo(30);
        assertThat(registry.get("streamlate.batch.padded.tokens").tag("pair", "en-fr").summary().max())
                .isEqualTo(24);
        assertThat(registry.get("streamlate.batch.queue.wait").tag("pair", "en-fr").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(45);
        assertThat(registry.get("streamlate.batch.inference").tag("pair", "en-fr").timer()
                .max(TimeUnit.MILLISECONDS)).isEqualTo(120);
        assertThat(counter("streamlate.sentences.translated", "pair", "en-fr")).isEqualTo(4);
        assertThat(counter("streamlate.sentences.failed", "pair", "en-fr")).isEqualTo(1);
        assertThat(counter("streamlate.target.tokens", "pair", "en-fr")).isEqualTo(32);
        assertThat(counter("streamlate.target.tokens", "pair", "en-de")).isEqualTo(5);
        assertThat(registry.get("streamlate.batches").tag("pair", "en-fr").tag("reason", "sentences").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("streamlate.batches").tag("reason", "delay").counters())
                .extracting(counter -> counter.getId().getTag("pair")).containsExactlyInAnyOrder("en-fr", "en-de");
    }

    @Test
    void deadLettersCountByReasonAndTheRestByPair() {
        metrics.deadLettered("MALFORMED_AVRO");
        metrics.deadLettered("MALFORMED_AVRO");
        metrics.deadLettered("UNSUPPORTED_PAIR");
        metrics.offerTimedOut(EN_FR);
        metrics.abandoned(4);
        metrics.abandoned(3);
        metrics.forwarded(EN_FR, Duration.ofMillis(250));
        metrics.forwarded(EN_FR, Duration.ofMillis(750));

        assertThat(counter("streamlate.dead.letters", "reason", "MALFORMED_AVRO")).isEqualTo(2);
        assertThat(counter("streamlate.dead.letters", "reason", "UNSUPPORTED_PAIR")).isEqualTo(1);
        assertThat(counter("streamlate.offer.timeouts", "pair", "en-fr")).isEqualTo(1);
        assertThat(registry.get("streamlate.abandoned.items").counter().count()).isEqualTo(7);
        assertThat(registry.get("streamlate.rebalances").counter().count()).as("shown from the start").isZero();
        metrics.rebalanced();
        assertThat(registry.get("streamlate.rebalances").counter().count()).isEqualTo(1);
        HistogramSnapshot endToEnd = registry.get("streamlate.end.to.end").tag("pair", "en-fr").timer()
                .takeSnapshot();
        assertThat(endToEnd.count()).isEqualTo(2);
        assertThat(endToEnd.mean(TimeUnit.MILLISECONDS)).isEqualTo(500);
        assertThat(cumulativeCounts(endToEnd)).containsEntry(secondsInNanos(0.5), 1.0)
                .containsEntry(secondsInNanos(1), 2.0);
    }

    @Test
    void gaugesReadTheirSuppliersAtEveryScrape() {
        AtomicInteger pending = new AtomicInteger(5);
        AtomicInteger queued = new AtomicInteger(2);
        AtomicInteger inFlight = new AtomicInteger(3);
        AtomicBoolean paused = new AtomicBoolean();
        metrics.gaugePendingInputs(pending::get);
        metrics.gaugeBatcher(queued::get, inFlight::get);
        metrics.gaugePaused(paused::get);

        assertThat(gauges()).containsEntry("streamlate.pending.inputs", 5.0).containsEntry("streamlate.batcher.queued",
                2.0).containsEntry("streamlate.batcher.in.flight", 3.0).containsEntry("streamlate.paused", 0.0);
        pending.set(9);
        queued.set(0);
        inFlight.set(64);
        paused.set(true);
        assertThat(gauges()).containsEntry("streamlate.pending.inputs", 9.0).containsEntry("streamlate.batcher.queued",
                0.0).containsEntry("streamlate.batcher.in.flight", 64.0).containsEntry("streamlate.paused", 1.0);
    }

    @Test
    void loadedModelsAndTheirExecutionProvidersAreInfoGauges() {
        metrics.modelLoaded(EN_FR, "streamlate-en-fr", "3", Device.CPU);
        metrics.modelLoaded(EN_DE, "streamlate-en-de", "1", Device.parse("cuda:1"));

        assertThat(registry.get("streamlate.model.loaded").gauges()).extracting(gauge -> gauge.getId().getTags()
                .stream().map(tag -> tag.getKey() + "=" + tag.getValue()).collect(Collectors.joining(",")))
                .containsExactlyInAnyOrder("model=streamlate-en-fr,pair=en-fr,version=3",
                        "model=streamlate-en-de,pair=en-de,version=1");
        assertThat(registry.get("streamlate.execution.provider").gauges())
                .extracting(gauge -> gauge.getId().getTag("provider"), gauge -> gauge.value())
                .containsExactlyInAnyOrder(tuple("cpu", 1.0),
                        tuple("cuda", 1.0));
    }

    @Test
    void theRealBatcherReportsWhatItTranslated() throws Exception {
        List<String> texts = List.of("I love you.", "Save", "How was your day?", "Who are you?");
        LinkedBlockingQueue<Completion<Integer>> arrivals = new LinkedBlockingQueue<>();
        List<Completion<Integer>> completions = new ArrayList<>();
        try (Translator model = TinyModel.open()) {
            metrics.countTokenized(EN_FR, model);
            try (MicroBatcher batcher = MicroBatcher.builder(pair -> Optional.of(model).filter(m -> pair.equals(EN_FR)))
                    .policy(BatchPolicy.DEFAULT.withMaxSentences(2).withMaxDelay(Duration.ofHours(1))
                            .withSortWindow(0)) // arrival order: each batch closes by size, none waits
                    .listener(metrics).name("metrics-test").build()) {
                for (int i = 0; i < texts.size(); i++) {
                    batcher.submit(BatchItem.translate(i, EN_FR, texts.get(i), arrivals::add));
                }
                for (int i = 0; i < texts.size(); i++) {
                    Completion<Integer> completion = arrivals.poll(30, TimeUnit.SECONDS);
                    assertThat(completion).as("completion %d", i).isNotNull();
                    completions.add(completion);
                }
            }
        }
        int targetPieces = completions.stream()
                .mapToInt(c -> ((Completion.Done<Integer>) c).result().targetPieces().size()).sum();

        assertThat(completions).hasSize(texts.size())
                .allSatisfy(c -> assertThat(c).isInstanceOf(Completion.Done.class));
        assertThat(registry.get("streamlate.engine.texts.tokenized").tag("pair", "en-fr").functionCounter().count())
                .as("each text tokenised once, at submit").isEqualTo(texts.size());
        assertThat(counter("streamlate.sentences.translated", "pair", "en-fr")).isEqualTo(texts.size());
        assertThat(counter("streamlate.target.tokens", "pair", "en-fr")).isEqualTo(targetPieces).isPositive();
        assertThat(registry.get("streamlate.batch.sentences").summary().totalAmount()).isEqualTo(texts.size());
        assertThat(registry.get("streamlate.batches").tag("reason", "sentences").counter().count()).isEqualTo(2);
    }

    /** jvm.gc.pause appears only after a collection, so the JVM binders are checked by meters registered at once. */
    @Test
    void bindsTheJvmAndAKafkaStreamsClientsOwnMetrics(@TempDir Path stateDirectory) {
        metrics.bindJvmAndProcess();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-binding-test");
        properties.put("processing.exception.handler.global.enabled", "true"); // as the service sets it
        properties.put("main.consumer.processing.exception.handler.global.enabled", "true");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toString());
        try (KafkaStreams streams = new KafkaStreams(builder.build(), properties)) {
            metrics.bindStreams(streams);

            List<String> names = registry.getMeters().stream().map(meter -> meter.getId().getName()).toList();
            assertThat(names).contains("jvm.memory.used", "jvm.threads.live", "process.cpu.usage", "process.uptime")
                    .contains("kafka.consumer.fetch.manager.records.lag.max")
                    .anySatisfy(name -> assertThat(name).startsWith("kafka.stream."));
        }
    }

    private double counter(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    private Map<String, Double> gauges() {
        return registry.getMeters().stream().filter(meter -> meter.getId().getType() == Meter.Type.GAUGE)
                .filter(meter -> meter.getId().getName().startsWith("streamlate."))
                .collect(Collectors.toMap(meter -> meter.getId().getName(),
                        meter -> registry.get(meter.getId().getName()).gauge().value()));
    }

    private static Map<Double, Double> cumulativeCounts(HistogramSnapshot snapshot) {
        return Arrays.stream(snapshot.histogramCounts())
                .collect(Collectors.toMap(CountAtBucket::bucket, CountAtBucket::count));
    }

    private static double secondsInNanos(double seconds) {
        return seconds * 1e9;
    }
}
