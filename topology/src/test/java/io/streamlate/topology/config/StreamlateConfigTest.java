package io.streamlate.topology.config;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.alignment.LinkRule;
import io.streamlate.model.batching.BatchPolicy;
import io.streamlate.model.manifest.Precision;
import io.streamlate.model.onnx.Device;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.topology.backpressure.PausePolicy;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every streamlate.* key declared once: defaults, every key read, bad values named, the README's table. */
class StreamlateConfigTest {

    private static TopologyConfig topology(Properties properties) {
        return StreamlateConfig.of(properties).topology();
    }

    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void defaults() {
        TopologyConfig config = topology(new Properties());
        assertThat(config.inputTopic()).isEqualTo("sentences");
        assertThat(config.translationsTopic()).isEqualTo("translations");
        assertThat(config.alignmentsTopic()).isEqualTo("alignments");
        assertThat(config.deadLetterTopic()).isEqualTo("sentences-dlq");
        assertThat(config.defaultTargetLanguage()).isEmpty();
        assertThat(config.maxTextChars()).isEqualTo(5000);
        assertThat(config.batchPolicy()).isEqualTo(BatchPolicy.DEFAULT);
        assertThat(config.punctuationInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(config.offerTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.offerMaxBlock()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.pausePolicy()).isEqualTo(new PausePolicy(192, 64));
        assertThat(config.keepPolicy()).isEqualTo(new KeepPolicy(950, 8));
        assertThat(config.pendingStoreName()).isEqualTo("pending-translations");
        assertThat(config.decoding()).as("each model's own decoding").isEqualTo(DecodingOverrides.NONE);
    }

    @Test
    void decodingOverridesReplaceOnlyWhatIsSet() {
        TranslationOptions published = TranslationOptions.DEFAULT.withBeamSize(8).withLengthPenalty(1.4)
                .withLinkRule(LinkRule.parse("threshold=0.4"));
        assertThat(DecodingOverrides.NONE.applyTo(published)).isEqualTo(published);
        TranslationOptions greedy = topology(properties(StreamlateConfig.BEAM_SIZE, "1")).decoding()
                .applyTo(published);
        assertThat(greedy).isEqualTo(published.withBeamSize(1));
    }

    @Test
    void everyKeyIsRead() {
        TopologyConfig config = topology(properties(
                StreamlateConfig.INPUT_TOPIC, "in", StreamlateConfig.TRANSLATIONS_TOPIC, "out",
                StreamlateConfig.ALIGNMENTS_TOPIC, "align", StreamlateConfig.DEAD_LETTER_TOPIC, "dlq",
                StreamlateConfig.DEFAULT_TARGET_LANGUAGE, " fr ", StreamlateConfig.MAX_TEXT_CHARS, "300",
                StreamlateConfig.BATCH_MAX_SENTENCES, "100", StreamlateConfig.BATCH_MAX_TOKENS, "2048",
                StreamlateConfig.BATCH_MAX_DELAY_MS, "0", StreamlateConfig.BATCH_WORKERS, "2",
                StreamlateConfig.BATCH_SORT_WINDOW, "300", StreamlateConfig.PUNCTUATION_INTERVAL_MS, "5", StreamlateConfig.OFFER_TIMEOUT_MS, "50",
                StreamlateConfig.OFFER_MAX_BLOCK_MS, "0", StreamlateConfig.PAUSE_AT_QUEUED, "400",
                StreamlateConfig.RESUME_BELOW_QUEUED, "100", StreamlateConfig.KEEP_MASS_PERMILLE, "1000",
                StreamlateConfig.KEEP_MAX, "1000", StreamlateConfig.LINK_RULE, "consuming:threshold=0.4",
                StreamlateConfig.BEAM_SIZE, "2", StreamlateConfig.LENGTH_PENALTY, "0.6",
                StreamlateConfig.PENDING_STORE, "pending", StreamlateConfig.COMMIT_ON_OUTPUT, "false",
                StreamlateConfig.OUTPUT_ORDER, "partition", StreamlateConfig.COMMIT_SPACING_MS, "7",
                "application.id", "not ours",
                "streamlate.serde.max.payload.bytes", "1000"));
        assertThat(config).isEqualTo(new TopologyConfig("in", "out", "align", "dlq", Optional.of("fr"), 300,
                new BatchPolicy(100, 2048, Duration.ZERO, 400, 2, 300), Duration.ofMillis(5), false,
                Duration.ofMillis(7), OutputOrder.PARTITION, Duration.ofMillis(50),
                Duration.ZERO, new PausePolicy(400, 100), new KeepPolicy(1000, 1000),
                new DecodingOverrides(Optional.of(2), Optional.of(0.6),
                        Optional.of(LinkRule.parse("consuming:threshold=0.4"))), "pending"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "streamlate.topic.input           | bad topic!",
            "streamlate.topic.translations    | sentences",
            "streamlate.default.target.language | '  '",
            "streamlate.max.text.chars        | 0",
            "streamlate.decoding.beam.size    | 0",
            "streamlate.decoding.beam.size    | 65",
            "streamlate.decoding.length.penalty | -1",
            "streamlate.max.text.chars        | many",
            "streamlate.batch.max.sentences   | 0",
            "streamlate.batch.max.tokens      | -1",
            "streamlate.batch.max.delay.ms    | -5",
            "streamlate.batch.max.queued      | 3",
            "streamlate.batch.workers         | 65",
            "streamlate.batch.sort.window     | -1",
            "streamlate.batch.sort.window     | 257",
            "streamlate.punctuation.interval.ms | 0",
            "streamlate.output.order          | offset",
            "streamlate.commit.spacing.ms     | -1",
            "streamlate.offer.timeout.ms      | 600000",
            "streamlate.offer.max.block.ms    | -1",
            "streamlate.backpressure.pause.queued | 257",
            "streamlate.backpressure.resume.queued | 192",
            "streamlate.backpressure.resume.queued | 0",
            "streamlate.alignment.keep.mass.permille | 0",
            "streamlate.alignment.keep.mass.permille | 1001",
            "streamlate.alignment.keep.max    | 0",
            "streamlate.alignment.link.rule   | nearest",
            "streamlate.alignment.link.rule   | threshold=2",
            "streamlate.store.pending         | a/b",
            "streamlate.typo                  | 1",
    })
    void aBadValueNamesItsKey(String key, String value) {
        assertThatThrownBy(() -> topology(properties(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key.equals("streamlate.topic.translations") ? "distinct" : key);
    }

    @ParameterizedTest
    @CsvSource({"1", "2", "64"})
    void withoutAThreadCountTheCoresAreSharedAmongTheBatchWorkers(int workers) {
        StreamlateConfig config = StreamlateConfig.of(properties(StreamlateConfig.BATCH_WORKERS,
                Integer.toString(workers)));

        assertThat(config.engine().sessions().intraOpThreads())
                .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / workers));
    }

    @Test
    void theEngineAndServiceViewsReadTheirKeys() {
        StreamlateConfig config = StreamlateConfig.of(properties(StreamlateConfig.MODELS, "a, b/c",
                StreamlateConfig.DEVICE, "cuda:1", StreamlateConfig.CPU_FALLBACK, "true",
                StreamlateConfig.ENGINE_THREADS, "3", StreamlateConfig.HTTP_PORT, "-1",
                StreamlateConfig.SHUTDOWN_TIMEOUT_MS, "1500", StreamlateConfig.ENGINE_PRECISION, "int8"));

        assertThat(config.engine().models()).containsExactly(Path.of("a"), Path.of("b/c"));
        assertThat(config.engine().sessions()).isEqualTo(SessionSettings.DEFAULT.withDevice(Device.parse("cuda:1"))
                .withCpuFallback(true).withThreads(3, 1).withPrecision(Precision.INT8));
        assertThat(config.httpPort()).isEqualTo(-1);
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(StreamlateConfig.of(new Properties()).engine().models())
                .containsExactly(Path.of(StreamlateConfig.DEFAULT_MODELS));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "streamlate.models                | ' , '",
            "streamlate.device                | gpu",
            "streamlate.device.cpu.fallback   | maybe",
            "streamlate.engine.threads        | -1",
            "streamlate.engine.precision      | fp16",
            "streamlate.engine.buffer.pool.bytes | -1",
            "streamlate.http.port             | 70000",
            "streamlate.shutdown.timeout.ms   | soon",
    })
    void aBadEngineOrServiceValueNamesItsKey(String key, String value) {
        assertThatThrownBy(() -> StreamlateConfig.of(properties(key, value)).engine())
                .isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }

    @Test
    void theReadmeTableIsTheDeclaration() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);

        assertThat(readme).as("topology/README.md holds StreamlateConfig.markdownTable() as printed; paste it in "
                + "again after changing a key").contains(StreamlateConfig.markdownTable());
        assertThat(StreamlateConfig.DEFINITION.names()).allSatisfy(key -> assertThat(key).startsWith("streamlate."));
    }
}
