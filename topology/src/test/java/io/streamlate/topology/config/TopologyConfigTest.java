package io.streamlate.topology.config;

import io.streamlate.model.alignment.LinkRule;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.topology.backpressure.PausePolicy;
import io.streamlate.topology.batching.BatchPolicy;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopologyConfigTest {

    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void defaults() {
        TopologyConfig config = TopologyConfig.from(new Properties());
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
        assertThat(config.linkRule()).as("each model's own rule").isEmpty();
    }

    @Test
    void everyKeyIsRead() {
        TopologyConfig config = TopologyConfig.from(properties(
                TopologyConfig.INPUT_TOPIC, "in", TopologyConfig.TRANSLATIONS_TOPIC, "out",
                TopologyConfig.ALIGNMENTS_TOPIC, "align", TopologyConfig.DEAD_LETTER_TOPIC, "dlq",
                TopologyConfig.DEFAULT_TARGET_LANGUAGE, " fr ", TopologyConfig.MAX_TEXT_CHARS, "300",
                TopologyConfig.BATCH_MAX_SENTENCES, "100", TopologyConfig.BATCH_MAX_TOKENS, "2048",
                TopologyConfig.BATCH_MAX_DELAY_MS, "0", TopologyConfig.BATCH_WORKERS, "2",
                TopologyConfig.PUNCTUATION_INTERVAL_MS, "5", TopologyConfig.OFFER_TIMEOUT_MS, "50",
                TopologyConfig.OFFER_MAX_BLOCK_MS, "0", TopologyConfig.PAUSE_AT_QUEUED, "400",
                TopologyConfig.RESUME_BELOW_QUEUED, "100", TopologyConfig.KEEP_MASS_PERMILLE, "1000",
                TopologyConfig.KEEP_MAX, "1000", TopologyConfig.LINK_RULE, "consuming:threshold=0.4",
                TopologyConfig.PENDING_STORE, "pending", "application.id", "not ours",
                "streamlate.serde.max.payload.bytes", "1000"));
        assertThat(config).isEqualTo(new TopologyConfig("in", "out", "align", "dlq", Optional.of("fr"), 300,
                new BatchPolicy(100, 2048, Duration.ZERO, 400, 2), Duration.ofMillis(5), Duration.ofMillis(50),
                Duration.ZERO, new PausePolicy(400, 100), new KeepPolicy(1000, 1000),
                Optional.of(LinkRule.parse("consuming:threshold=0.4")), "pending"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "streamlate.topic.input           | bad topic!",
            "streamlate.topic.translations    | sentences",
            "streamlate.default.target.language | '  '",
            "streamlate.max.text.chars        | 0",
            "streamlate.max.text.chars        | many",
            "streamlate.batch.max.sentences   | 0",
            "streamlate.batch.max.tokens      | -1",
            "streamlate.batch.max.delay.ms    | -5",
            "streamlate.batch.max.queued      | 3",
            "streamlate.batch.workers         | 65",
            "streamlate.punctuation.interval.ms | 0",
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
        assertThatThrownBy(() -> TopologyConfig.from(properties(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key.equals("streamlate.topic.translations") ? "distinct" : key);
    }
}
