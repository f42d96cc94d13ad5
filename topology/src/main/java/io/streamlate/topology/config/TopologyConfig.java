package io.streamlate.topology.config;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.Translator;
import io.streamlate.model.batching.BatchPolicy;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.topology.backpressure.PausePolicy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the topology, its processor and the batcher read of the configuration: the typed view of
 * {@link StreamlateConfig}, where each key is declared, documented and validated once.
 *
 * @param inputTopic            SentenceEvent records
 * @param translationsTopic     Translation records
 * @param alignmentsTopic       Alignment records
 * @param deadLetterTopic       DeadLetter records
 * @param defaultTargetLanguage for events whose target_language is null
 * @param maxTextChars          longer texts (code points) are dead-lettered TEXT_TOO_LONG
 * @param batchPolicy           how the micro-batcher groups inputs
 * @param punctuationInterval   how often a task forwards its completed results
 * @param commitOnOutput        whether a task asks Kafka Streams to commit as soon as it forwarded outputs
 * @param commitSpacing         the least time between two such asks of one stream thread
 * @param outputOrder           which earlier inputs an input's outputs wait for
 * @param offerTimeout          one bounded wait of process() for room in the batcher
 * @param offerMaxBlock         the longest one process() call waits in all
 * @param pausePolicy           when the backpressure controller pauses and resumes consumption
 * @param keepPolicy            which attention weights the Alignment records keep
 * @param decoding              what changes in each model's published decoding defaults
 * @param pendingStoreName      the changelogged store of inputs not yet answered
 */
public record TopologyConfig(String inputTopic, String translationsTopic, String alignmentsTopic,
                             String deadLetterTopic, Optional<String> defaultTargetLanguage, int maxTextChars,
                             BatchPolicy batchPolicy, Duration punctuationInterval, boolean commitOnOutput,
                             Duration commitSpacing, OutputOrder outputOrder, Duration offerTimeout,
                             Duration offerMaxBlock, PausePolicy pausePolicy, KeepPolicy keepPolicy,
                             DecodingOverrides decoding, String pendingStoreName) {

    public TopologyConfig {
        Objects.requireNonNull(inputTopic, "inputTopic");
        Objects.requireNonNull(translationsTopic, "translationsTopic");
        Objects.requireNonNull(alignmentsTopic, "alignmentsTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(defaultTargetLanguage, "defaultTargetLanguage");
        Objects.requireNonNull(batchPolicy, "batchPolicy");
        Objects.requireNonNull(punctuationInterval, "punctuationInterval");
        Objects.requireNonNull(commitSpacing, "commitSpacing");
        Objects.requireNonNull(outputOrder, "outputOrder");
        Objects.requireNonNull(offerTimeout, "offerTimeout");
        Objects.requireNonNull(offerMaxBlock, "offerMaxBlock");
        Objects.requireNonNull(pausePolicy, "pausePolicy");
        Objects.requireNonNull(keepPolicy, "keepPolicy");
        Objects.requireNonNull(decoding, "decoding");
        Objects.requireNonNull(pendingStoreName, "pendingStoreName");
    }

    /** The engine options for a model: its published defaults, with what this configuration overrides. */
    public TranslationOptions engineOptions(Translator translator) {
        return decoding.applyTo(translator.defaultOptions());
    }
}
