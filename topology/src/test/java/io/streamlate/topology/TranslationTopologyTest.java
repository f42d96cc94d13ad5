package io.streamlate.topology;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.model.Await;
import io.streamlate.model.LanguagePair;
import io.streamlate.model.Translator;
import io.streamlate.model.batching.BatchPolicy;
import io.streamlate.model.batching.MicroBatcher;
import io.streamlate.schemas.alignment.AttentionDecoder;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.topology.config.StreamlateConfig;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real topology function under {@link TopologyTestDriver}: the real Apicurio registry behind the serdes, the real
 * micro-batcher (its own worker threads, so results are awaited with bounded loops) and the tiny fixture model.
 */
class TranslationTopologyTest {

    private static final LanguagePair EN_FR = new LanguagePair("en", "fr");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static ApicurioRegistry registry;
    private static Translator translator;

    private final TopologyConfig config = StreamlateConfig.of(
            Map.of(StreamlateConfig.DEFAULT_TARGET_LANGUAGE, "fr")).topology();
    private MicroBatcher batcher;
    private TopologyTestDriver driver;
    private Topics topics;
    private TestInputTopic<byte[], SentenceEvent> input;
    private TestInputTopic<byte[], byte[]> rawInput;
    private TestOutputTopic<byte[], Translation> translations;
    private TestOutputTopic<byte[], Alignment> alignments;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;
    private final List<KeyValue<byte[], Translation>> translated = new ArrayList<>();
    private final List<KeyValue<byte[], Alignment>> aligned = new ArrayList<>();
    private final List<KeyValue<byte[], DeadLetter>> dead = new ArrayList<>();

    @BeforeAll
    static void startPeers() {
        registry = ApicurioRegistry.start();
        translator = TinyModel.open();
    }

    @AfterAll
    static void stopPeers() {
        if (translator != null) {
            translator.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void startDriver(@TempDir Path stateDir) {
        batcher = MicroBatcher.builder(pair -> Optional.of(translator).filter(t -> pair.equals(EN_FR)))
                .policy(BatchPolicy.DEFAULT.withMaxSentences(4).withMaxDelay(Duration.ofMillis(5)).withWorkers(2))
                .build();
        Map<String, Object> serdeConfig = new HashMap<>();
        serdeConfig.put(RegistryConfig.URL, registry.ccompatUrl().toString());
        topics = Topics.of(config, serdeConfig);
        Properties streams = new Properties();
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "streamlate-topology-test");
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        streams.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        streams.put("processing.exception.handler.global.enabled", "true"); // as the service sets it
        driver = new TopologyTestDriver(TranslationTopology.build(config, batcher, serdeConfig), streams,
                Instant.ofEpochMilli(1_000_000));
        input = driver.createInputTopic(config.inputTopic(), new ByteArraySerializer(),
                topics.input().valueSerde().serializer());
        rawInput = driver.createInputTopic(config.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        translations = driver.createOutputTopic(config.translationsTopic(), new ByteArrayDeserializer(),
                topics.translations().valueSerde().deserializer());
        alignments = driver.createOutputTopic(config.alignmentsTopic(), new ByteArrayDeserializer(),
                topics.alignments().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(),
                topics.deadLetters().valueSerde().deserializer());
    }

    @AfterEach
    void stopDriver() {
        if (driver != null) {
            driver.close();
        }
        if (batcher != null) {
            batcher.close(Duration.ofSeconds(10));
        }
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static SentenceEvent event(String id, String text, String target) {
        return SentenceEvent.newBuilder().setId(id).setText(text).setSourceLanguage("en").setTargetLanguage(target)
                .setDocumentId("doc-" + id).setPosition(3).setEventTime(Instant.ofEpochMilli(42)).build();
    }

    /** Fires the punctuator until {@code outputs} translations + dead letters have come out, or fails. */
    private void awaitOutputs(int outputs) {
        Await.until(() -> outputs + " outputs; have " + translated.size() + " translations and " + dead.size()
                + " dead letters", WAIT, () -> {
                    driver.advanceWallClockTime(Duration.ofMillis(10));
                    drain();
                    return translated.size() + dead.size() >= outputs;
                });
        // nothing more must come: once every worker is idle, a few more punctuations
        Await.until("the batcher idle", WAIT, () -> batcher.queued() == 0 && batcher.inFlight() == 0);
        for (int i = 0; i < 5; i++) {
            driver.advanceWallClockTime(Duration.ofMillis(10));
        }
        drain();
    }

    private void drain() {
        translated.addAll(translations.readKeyValuesToList());
        aligned.addAll(alignments.readKeyValuesToList());
        dead.addAll(deadLetters.readKeyValuesToList());
    }

    @Test
    void everyValidEventGetsOneTranslationAndOneAlignmentInKeyOrder() {
        String[] texts = {"Hello world.", "The cat sleeps.", "Good morning, my friend.", "I like green tea.",
                "Where is the station?", "It is raining today."};
        Map<String, List<String>> sentPerKey = new LinkedHashMap<>();
        int n = 18;
        long tokenisedBefore = translator.textsTokenized();
        for (int i = 0; i < n; i++) {
            String key = "key-" + (i % 3);
            String id = "s" + i;
            input.pipeInput(key(key), event(id, texts[i % texts.length], i % 4 == 0 ? null : "fr"));
            sentPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
        }
        awaitOutputs(n);

        assertThat(translator.textsTokenized() - tokenisedBefore).as("each sentence tokenised once on its way")
                .isEqualTo(n);
        assertThat(dead).isEmpty();
        assertThat(translated).hasSize(n);
        assertThat(aligned).hasSize(n);
        Map<String, List<String>> translatedPerKey = translated.stream().collect(Collectors.groupingBy(
                kv -> new String(kv.key, StandardCharsets.UTF_8), LinkedHashMap::new,
                Collectors.mapping(kv -> kv.value.getId(), Collectors.toList())));
        assertThat(translatedPerKey).isEqualTo(sentPerKey);
        assertThat(aligned).extracting(kv -> kv.value.getId())
                .containsExactlyElementsOf(translated.stream().map(kv -> kv.value.getId()).toList());

        // keys leave in their own order, interleaved as their sentences finish
        Map<String, KeyValue<byte[], Translation>> translationById = translated.stream()
                .collect(Collectors.toMap(kv -> kv.value.getId(), kv -> kv));
        Map<String, KeyValue<byte[], Alignment>> alignmentById = aligned.stream()
                .collect(Collectors.toMap(kv -> kv.value.getId(), kv -> kv));
        for (int i = 0; i < n; i++) {
            Translation translation = translationById.get("s" + i).value;
            Alignment alignment = alignmentById.get("s" + i).value;
            assertThat(translation.getSourceText()).isEqualTo(texts[i % texts.length]);
            assertThat(translation.getDocumentId()).isEqualTo("doc-s" + i);
            assertThat(translation.getPosition()).isEqualTo(3);
            assertThat(translation.getSourceLanguage()).isEqualTo("en");
            assertThat(translation.getTargetLanguage()).isEqualTo("fr"); // null target_language took the default
            assertThat(translation.getModelId()).isEqualTo("streamlate-en-fr");
            assertThat(translation.getModelVersion()).isEqualTo("0.0-tiny");
            assertThat(translation.getScore()).isLessThanOrEqualTo(0.0);
            assertThat(translation.getAlignment()).matches("(\\d+-\\d+( \\d+-\\d+)*)?");
            assertThat(translation.getSourceTokens()).isNotEmpty();
            assertThat(translation.getBatchSize()).isBetween(1, 4);
            assertThat(translation.getTimings().getTotalMs()).isGreaterThanOrEqualTo(0);
            assertThat(alignment.getModelId()).isEqualTo("streamlate-en-fr");
            assertThat(alignment.getHardAlignment()).isEqualTo(translation.getAlignment());
            assertThat(alignment.getSourceWords()).isEqualTo(translation.getSourceTokens());
            assertThat(alignment.getSourceWordOfSubword()).hasSameSizeAs(alignment.getSourceSubwords());
            assertThat(alignment.getTargetWordOfSubword()).hasSameSizeAs(alignment.getTargetSubwords());
            float[][] attention = AttentionDecoder.decode(alignment.getAttention().array());
            assertThat(attention).hasNumberOfRows(alignment.getTargetSubwords().size());
            for (float[] row : attention) {
                assertThat(row).hasSize(alignment.getSourceSubwords().size());
            }
            assertThat(translationById.get("s" + i).key).isEqualTo(alignmentById.get("s" + i).key);
        }
        assertThat(translationById.get("s0").value.getTranslatedText())
                .isEqualTo(translator.translate(texts[0], translator.defaultOptions()).text());
        assertThat(pendingEntries()).isZero();
    }

    @Test
    void givenTranslationsAreForceAlignedInKeyOrderBesideTranslations() {
        String over = String.join(" ", java.util.Collections.nCopies(150, "ouvrir le fichier"));
        int n = 12;
        long tokenisedBefore = translator.textsTokenized();
        for (int i = 0; i < n; i++) {
            SentenceEvent event = event("s" + i, "I love you .", "fr");
            if (i % 3 == 1) {
                event.setTranslation("je t' aime .");
            } else if (i % 3 == 2) {
                event.setTranslation(i == 11 ? over : "je vous aime bien .");
            }
            input.pipeInput(key("key-" + i % 2), event);
        }
        awaitOutputs(n);

        assertThat(dead).singleElement().satisfies(kv -> {
            assertThat(kv.value.getErrorClass()).isEqualTo(ErrorClass.TEXT_TOO_LONG);
            assertThat(kv.value.getReason()).contains("the target has").contains("subwords");
            assertThat(kv.value.getOffset()).isEqualTo(11L);
        });
        assertThat(translator.textsTokenized() - tokenisedBefore).as("a pair's two texts, once each")
                .isEqualTo(4 + 2 * 8);
        assertThat(translated).hasSize(n - 1);
        assertThat(translated.stream().collect(Collectors.groupingBy(kv -> new String(kv.key, StandardCharsets.UTF_8),
                Collectors.mapping(kv -> kv.value.getId(), Collectors.toList())))).isEqualTo(Map.of(
                "key-0", List.of("s0", "s2", "s4", "s6", "s8", "s10"), "key-1", List.of("s1", "s3", "s5", "s7", "s9")));
        assertThat(aligned).extracting(kv -> kv.value.getId())
                .containsExactlyElementsOf(translated.stream().map(kv -> kv.value.getId()).toList());
        for (int k = 0; k < translated.size(); k++) {
            Translation translation = translated.get(k).value;
            Alignment alignment = aligned.get(k).value;
            int i = Integer.parseInt(translation.getId().substring(1));
            boolean given = i % 3 != 0;
            assertThat(translation.getGivenTranslation()).as(translation.getId()).isEqualTo(given);
            assertThat(alignment.getGivenTranslation()).isEqualTo(given);
            if (given) {
                String text = i % 3 == 1 ? "je t' aime ." : "je vous aime bien .";
                assertThat(translation.getTranslatedText()).isEqualTo(text);
                assertThat(translation.getTargetTokens()).containsExactly(text.split(" "));
                assertThat(translation.getSourceTokens()).containsExactly("I", "love", "you", ".");
                assertThat(translation.getScore()).isCloseTo(translator.align(
                        new io.streamlate.model.TextPair("I love you .", text), translator.defaultOptions()).score(),
                        org.assertj.core.api.Assertions.within(1e-4));
                assertThat(alignment.getTargetWords()).isEqualTo(translation.getTargetTokens());
                assertThat(alignment.getTargetWordOfSubword()).hasSameSizeAs(alignment.getTargetSubwords());
            }
        }
        assertThat(pendingEntries()).isZero();
    }

    @Test
    void eachKindOfBadInputBecomesOneDeadLetterWithItsBytes() {
        byte[] garbage = {0, 0, 0, 0, 99, 1, 2};        // wire format, but no schema 99
        byte[] notWireFormat = "plain text".getBytes(StandardCharsets.UTF_8);
        rawInput.pipeInput(key("k"), garbage);
        rawInput.pipeInput(key("k"), notWireFormat);
        input.pipeInput(key("k"), event("empty", "   ", "fr"));
        input.pipeInput(key("k"), event("german", "Hello.", "de"));
        input.pipeInput(key("k"), event("long", "x".repeat(config.maxTextChars() + 1), "fr"));
        awaitOutputs(5);

        assertThat(translated).isEmpty();
        assertThat(dead).extracting(kv -> kv.value.getErrorClass()).containsExactly(ErrorClass.DESERIALIZATION,
                ErrorClass.DESERIALIZATION, ErrorClass.EMPTY_TEXT, ErrorClass.UNSUPPORTED_LANGUAGE_PAIR,
                ErrorClass.TEXT_TOO_LONG);
        assertThat(dead).extracting(kv -> kv.value.getOffset()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(dead.get(0).value.getOriginalValue().array()).isEqualTo(garbage);
        assertThat(dead.get(0).value.getReason()).contains("UNKNOWN_SCHEMA_ID");
        assertThat(dead.get(1).value.getOriginalValue().array()).isEqualTo(notWireFormat);
        assertThat(dead.get(1).value.getReason()).contains("WRONG_MAGIC_BYTE");
        assertThat(dead.get(2).value.getOriginalValue().array())
                .isEqualTo(topics.input().valueSerde().serializer().serialize(config.inputTopic(),
                        event("empty", "   ", "fr")));
        for (KeyValue<byte[], DeadLetter> letter : dead) {
            assertThat(letter.key).isEqualTo(key("k"));
            assertThat(letter.value.getOriginalKey().array()).isEqualTo(key("k"));
            assertThat(letter.value.getTopic()).isEqualTo(config.inputTopic());
            assertThat(letter.value.getPartition()).isZero();
            assertThat(letter.value.getReason()).isNotBlank();
        }
        assertThat(pendingEntries()).isZero();
    }

    @Test
    void everyInputProducesExactlyOneOutputOrDeadLetter() {
        int n = 40;
        Map<Long, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            switch (i % 5) {
                case 0 -> rawInput.pipeInput(key("k" + i % 7), new byte[]{1, 2, 3});
                case 1 -> input.pipeInput(key("k" + i % 7), event("s" + i, "", null));
                default -> input.pipeInput(key("k" + i % 7), event("s" + i, "Sentence number " + i + ".", null));
            }
            expected.put((long) i, i % 5 < 2 ? "dead" : "s" + i);
        }
        awaitOutputs(n);

        assertThat(translated.size() + dead.size()).isEqualTo(n);
        assertThat(aligned).hasSameSizeAs(translated);
        Map<Long, String> seen = new LinkedHashMap<>();
        dead.forEach(kv -> assertThat(seen.put(kv.value.getOffset(), "dead")).isNull());
        translated.forEach(kv -> assertThat(seen.put(Long.parseLong(kv.value.getId().substring(1)),
                kv.value.getId())).isNull());
        assertThat(seen).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(pendingEntries()).isZero();
    }

    @Test
    void inputsTheClosedBatcherRefusesStayPending() {
        batcher.close(Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            input.pipeInput(key("k"), event("s" + i, "Hello world.", "fr"));
        }
        for (int i = 0; i < 5; i++) {
            driver.advanceWallClockTime(Duration.ofMillis(10)); // each offer meets the closed batcher at once
        }
        drain();
        assertThat(translated).isEmpty();
        assertThat(dead).isEmpty();
        assertThat(pendingEntries()).isEqualTo(3);
    }

    @Test
    void theTopologyHasOneProcessorWithThePendingStoreAndThreeSinks() {
        TopologyDescription description = TranslationTopology.build(config, batcher,
                Map.of(RegistryConfig.URL, registry.ccompatUrl().toString())).describe();
        TopologyDescription.Processor processor = description.subtopologies().iterator().next().nodes().stream()
                .filter(node -> node instanceof TopologyDescription.Processor)
                .map(TopologyDescription.Processor.class::cast).findFirst().orElseThrow();
        assertThat(processor.name()).isEqualTo(TranslationTopology.PROCESSOR);
        assertThat(processor.stores()).containsExactly(config.pendingStoreName());
        assertThat(processor.successors()).extracting(TopologyDescription.Node::name).containsExactlyInAnyOrder(
                "translations-sink", "alignments-sink", "dead-letters-sink");
    }

    private long pendingEntries() {
        try (var all = driver.<Long, Object>getKeyValueStore(config.pendingStoreName()).all()) {
            long count = 0;
            while (all.hasNext()) {
                all.next();
                count++;
            }
            return count;
        }
    }
}
