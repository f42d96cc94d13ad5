package io.streamlate.topology.processing;

import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.batching.BatchItem;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.alignment.AttentionDecoder;
import io.streamlate.schemas.alignment.AttentionEncoder;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.schemas.serde.AvroDeserializer;
import io.streamlate.topology.TranslationTopology;
import io.streamlate.topology.config.StreamlateConfig;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The processor alone: a mock context, an in-memory pending store and a batcher the test completes by hand. */
class TranslationProcessorTest {

    private static final String TOPIC = "sentences";
    private static final TopologyConfig CONFIG = config(StreamlateConfig.DEFAULT_TARGET_LANGUAGE, "fr");

    /** Values in Avro single-object encoding; anything else is an undecodable payload. */
    private static final Deserializer<SentenceEvent> VALUES = (topic, bytes) -> {
        if (bytes == null) {
            return null;
        }
        try {
            return SentenceEvent.getDecoder().decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new InvalidPayloadException(InvalidPayloadException.Reason.CORRUPT, "not an event: " + e);
        }
    };

    private final FakeSubmitter batcher = new FakeSubmitter();
    private MockProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<Long, PendingInput> store;
    private TranslationProcessor processor;

    @BeforeEach
    void setUp() {
        Properties streams = new Properties();
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "processor-test");
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        streams.put("processing.exception.handler.global.enabled", "true"); // as the service sets it
        context = new MockProcessorContext<>(streams);
        context.setCurrentSystemTimeMs(1_000);
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CONFIG.pendingStoreName()), Serdes.Long(),
                PendingInputSerde.serde()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor = processor(CONFIG, VALUES, ProcessingListener.NONE, () -> true, System::nanoTime);
    }

    private TranslationProcessor processor(TopologyConfig config, Deserializer<SentenceEvent> values,
                                           ProcessingListener listener, BooleanSupplier registryAvailable,
                                           LongSupplier nanoTime) {
        return processor(config, values, value -> true, listener, registryAvailable, nanoTime);
    }

    private TranslationProcessor processor(TopologyConfig config, Deserializer<SentenceEvent> values,
                                           Predicate<byte[]> schemaKnown, ProcessingListener listener,
                                           BooleanSupplier registryAvailable, LongSupplier nanoTime) {
        return new TranslationProcessor(config, batcher, new InputReader(config, values, schemaKnown,
                batcher::supports), new TranslationRecords(new AttentionEncoder(KeepPolicy.DEFAULT)),
                TranslationTopology.SINKS, listener, registryAvailable, new CommitPacer(config.commitSpacing(),
                nanoTime), nanoTime);
    }

    /** The topology's view of these {@code streamlate.*} settings, defaults for the rest. */
    static TopologyConfig config(String... keyValues) {
        java.util.Properties properties = new java.util.Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return StreamlateConfig.of(properties).topology();
    }

    static SentenceEvent event(String id, String text, String target) {
        return SentenceEvent.newBuilder().setId(id).setText(text).setSourceLanguage("en").setTargetLanguage(target)
                .setEventTime(Instant.ofEpochMilli(5)).build();
    }

    static byte[] encode(SentenceEvent event) {
        try {
            ByteBuffer buffer = SentenceEvent.getEncoder().encode(event);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void process(long offset, String key, SentenceEvent event) {
        process(offset, key, encode(event));
    }

    private void process(long offset, String key, byte[] value) {
        context.setRecordMetadata(TOPIC, 0, offset);
        processor.process(new Record<>(key.getBytes(StandardCharsets.UTF_8), value, 100 + offset));
    }

    private void punctuate() {
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(context.currentSystemTimeMs()));
    }

    private List<String> forwardedIds() {
        List<String> ids = new ArrayList<>();
        for (CapturedForward<? extends byte[], ? extends SpecificRecord> forward : context.forwarded()) {
            SpecificRecord value = forward.record().value();
            String kind = forward.childName().orElseThrow();
            String id = value instanceof Translation t ? t.getId()
                    : value instanceof Alignment a ? a.getId() : String.valueOf(((DeadLetter) value).getOffset());
            ids.add(kind + ":" + id);
        }
        return ids;
    }

    private List<Long> pendingOffsets() {
        List<Long> offsets = new ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(entry -> offsets.add(entry.key));
        }
        return offsets;
    }

    @Test
    void forwardsEachKeyInOffsetOrderWhenCompletionsArriveOutOfOrder() {
        processor.init(context);
        assertThat(context.scheduledPunctuators()).singleElement()
                .satisfies(p -> assertThat(p.getInterval()).isEqualTo(Duration.ofMillis(10)));
        process(0, "a", event("s0", "zero", "fr"));
        process(1, "b", event("s1", "one", "fr"));
        process(2, "a", event("s2", "two", null));
        assertThat(batcher.offeredOffsets()).containsExactly(0L, 1L, 2L);
        assertThat(pendingOffsets()).containsExactly(0L, 1L, 2L);

        batcher.translate(2);
        batcher.translate(1);
        punctuate();
        assertThat(forwardedIds()).as("b's input leaves; a's second waits for a's first")
                .containsExactly("translations-sink:s1", "alignments-sink:s1");
        assertThat(pendingOffsets()).containsExactly(0L, 2L);

        batcher.translate(0);
        context.setCurrentSystemTimeMs(1_040);
        punctuate();
        assertThat(forwardedIds()).containsExactly("translations-sink:s1", "alignments-sink:s1",
                "translations-sink:s0", "alignments-sink:s0", "translations-sink:s2", "alignments-sink:s2");
        assertThat(pendingOffsets()).isEmpty();

        CapturedForward<? extends byte[], ? extends SpecificRecord> first = context.forwarded().get(2);
        assertThat(new String(first.record().key(), StandardCharsets.UTF_8)).isEqualTo("a");
        assertThat(first.record().timestamp()).isEqualTo(100);
        Translation translation = (Translation) first.record().value();
        assertThat(translation.getTranslatedText()).isEqualTo("ZERO");
        assertThat(translation.getTimings().getTotalMs()).isEqualTo(40);
        assertThat(translation.getTimings().getQueueWaitMs()).isEqualTo(3);
        assertThat(translation.getTimings().getInferenceMs()).isEqualTo(5);
        assertThat(translation.getBatchSize()).isEqualTo(2);
        assertThat(translation.getAlignment()).isEqualTo("0-0 0-1");
        Alignment alignment = (Alignment) context.forwarded().get(3).record().value();
        assertThat(alignment.getSourceWordOfSubword()).containsExactly(0, 0);
        assertThat(alignment.getTargetWordOfSubword()).containsExactly(0, 1);
        assertThat(AttentionDecoder.decode(alignment.getAttention().array())).hasDimensions(2, 2);
        Translation defaulted = (Translation) context.forwarded().get(4).record().value();
        assertThat(defaulted.getTargetLanguage()).isEqualTo("fr");
    }

    @Test
    void partitionOrderHoldsEveryInputBehindEveryEarlierOne() {
        processor = processor(config(StreamlateConfig.DEFAULT_TARGET_LANGUAGE, "fr", StreamlateConfig.OUTPUT_ORDER,
                "partition"), VALUES, ProcessingListener.NONE, () -> true, System::nanoTime);
        processor.init(context);
        process(0, "a", event("s0", "zero", "fr"));
        process(1, "b", event("s1", "one", "fr"));
        process(2, "c", event("s2", "two", "fr"));

        batcher.translate(2);
        batcher.translate(1);
        punctuate();
        assertThat(context.forwarded()).isEmpty();

        batcher.translate(0);
        punctuate();
        assertThat(forwardedIds()).containsExactly("translations-sink:s0", "alignments-sink:s0",
                "translations-sink:s1", "alignments-sink:s1", "translations-sink:s2", "alignments-sink:s2");
    }

    @Test
    void inputsWithoutAKeyKeepTheirOrderAmongThemselves() {
        processor.init(context);
        for (long offset = 0; offset < 3; offset++) {
            context.setRecordMetadata(TOPIC, 0, offset);
            processor.process(new Record<>(null, encode(event("s" + offset, "text", "fr")), 100 + offset));
        }
        process(3, "k", event("s3", "three", "fr"));

        batcher.translate(3);
        batcher.translate(2);
        batcher.translate(1);
        punctuate();
        assertThat(forwardedIds()).containsExactly("translations-sink:s3", "alignments-sink:s3");

        batcher.translate(0);
        punctuate();
        assertThat(forwardedIds()).containsExactly("translations-sink:s3", "alignments-sink:s3",
                "translations-sink:s0", "alignments-sink:s0", "translations-sink:s1", "alignments-sink:s1",
                "translations-sink:s2", "alignments-sink:s2");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void forwardedOutputsAskForACommitUnlessTurnedOff(boolean commitOnOutput) {
        processor = processor(config(StreamlateConfig.DEFAULT_TARGET_LANGUAGE, "fr", StreamlateConfig.COMMIT_ON_OUTPUT,
                Boolean.toString(commitOnOutput)), VALUES, ProcessingListener.NONE, () -> true, System::nanoTime);
        processor.init(context);
        process(0, "a", event("s0", "zero", "fr"));
        process(1, "a", event("s1", "one", "fr"));
        batcher.translate(1);
        punctuate();
        assertThat(context.committed()).as("nothing forwarded yet (offset 0 is still running)").isFalse();

        batcher.translate(0);
        punctuate();
        assertThat(context.forwarded()).hasSize(4);
        assertThat(context.committed()).isEqualTo(commitOnOutput);
    }

    @Test
    void commitsAskedForOnOutputAreSpacedAndTheLaterOutputsWaitForTheNext() {
        AtomicLong clock = new AtomicLong();
        processor = processor(config(StreamlateConfig.DEFAULT_TARGET_LANGUAGE, "fr",
                StreamlateConfig.COMMIT_SPACING_MS, "30"), VALUES, ProcessingListener.NONE, () -> true, clock::get);
        processor.init(context);
        process(0, "a", event("s0", "zero", "fr"));
        process(1, "b", event("s1", "one", "fr"));
        batcher.translate(0);
        punctuate();
        assertThat(context.committed()).as("the first output asks at once").isTrue();

        context.resetCommit();
        clock.addAndGet(Duration.ofMillis(10).toNanos());
        batcher.translate(1);
        punctuate();
        assertThat(forwardedIds()).hasSize(4);
        assertThat(context.committed()).as("10 ms after the last ask").isFalse();

        clock.addAndGet(Duration.ofMillis(20).toNanos());
        punctuate();
        assertThat(context.committed()).as("30 ms after it, for the output still uncommitted").isTrue();

        context.resetCommit();
        clock.addAndGet(Duration.ofMillis(100).toNanos());
        punctuate();
        assertThat(context.committed()).as("nothing new forwarded").isFalse();
    }

    @Test
    void restoredEntriesAreResubmittedInOffsetOrder() {
        for (long offset : new long[]{300, 7, 42}) {
            store.put(offset, new PendingInput(null, encode(event("s" + offset, "text " + offset, "fr")), TOPIC, 0,
                    offset, 9, 500, event("s" + offset, "text " + offset, "fr"), "fr"));
        }
        processor.init(context);
        assertThat(batcher.offeredOffsets()).as("init() does not block on the batcher").isEmpty();
        punctuate();
        assertThat(batcher.offeredOffsets()).containsExactly(7L, 42L, 300L);

        // a restored input read again (at-least-once) is not pending twice
        process(42, "k", event("s42", "text 42", "fr"));
        assertThat(batcher.offeredOffsets()).containsExactly(7L, 42L, 300L);

        batcher.translate(42);
        batcher.translate(7);
        punctuate();
        assertThat(forwardedIds()).containsExactly("translations-sink:s7", "alignments-sink:s7",
                "translations-sink:s42", "alignments-sink:s42");
        assertThat(pendingOffsets()).containsExactly(300L);
        assertThat(context.forwarded().get(0).record().key()).isNull();
    }

    @Test
    void abandonedInputsStayPendingAndBlockTheHead() {
        processor.init(context);
        process(0, "a", event("s0", "zero", "fr"));
        process(1, "a", event("s1", "one", "fr"));
        batcher.abandon(0);
        batcher.translate(1);
        punctuate();
        assertThat(context.forwarded()).isEmpty();
        assertThat(pendingOffsets()).containsExactly(0L, 1L);

        // after a restart the new life re-submits both; completions of the old life are ignored
        processor.close();
        TranslationProcessor restarted = processor(CONFIG, VALUES, ProcessingListener.NONE, () -> true, System::nanoTime);
        batcher.offered.clear();
        restarted.init(context);
        context.scheduledPunctuators().get(context.scheduledPunctuators().size() - 1).getPunctuator()
                .punctuate(context.currentSystemTimeMs());
        assertThat(batcher.offeredOffsets()).containsExactly(0L, 1L);
    }

    @Test
    void failedTranslationsBecomeDeadLettersInOrder() {
        processor.init(context);
        byte[] value = encode(event("s0", "zero", "fr"));
        process(0, "a", value);
        process(1, "a", event("s1", "one", "fr"));
        batcher.translate(1);
        batcher.fail(0, new TranslationException(TranslationException.Reason.INFERENCE_FAILED, "engine broke"));
        punctuate();
        assertThat(forwardedIds()).containsExactly("dead-letters-sink:0", "translations-sink:s1",
                "alignments-sink:s1");
        DeadLetter letter = (DeadLetter) context.forwarded().get(0).record().value();
        assertThat(letter.getErrorClass()).isEqualTo(ErrorClass.INFERENCE_FAILED);
        assertThat(letter.getReason()).contains("engine broke");
        assertThat(letter.getOriginalValue().array()).isEqualTo(value);
        assertThat(new String(letter.getOriginalKey().array(), StandardCharsets.UTF_8)).isEqualTo("a");
        assertThat(letter.getTopic()).isEqualTo(TOPIC);
        assertThat(letter.getTimestamp()).isEqualTo(Instant.ofEpochMilli(100));
        Headers headers = context.forwarded().get(0).record().headers();
        assertThat(header(headers, DeadLetterHeaders.EXCEPTION)).isEqualTo(TranslationException.class.getName());
        assertThat(header(headers, DeadLetterHeaders.MESSAGE)).isEqualTo("INFERENCE_FAILED: engine broke");
        assertThat(header(headers, DeadLetterHeaders.STACKTRACE)).contains("engine broke", "\tat ");
        assertThat(header(headers, DeadLetterHeaders.TOPIC)).isEqualTo(TOPIC);
        assertThat(header(headers, DeadLetterHeaders.PARTITION)).isEqualTo("0");
        assertThat(header(headers, DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(pendingOffsets()).isEmpty();
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void engineReasonsMapToErrorClasses() {
        assertThat(DeadLetters.errorClass(new TranslationException(TranslationException.Reason.EMPTY_INPUT, "e")))
                .isEqualTo(ErrorClass.EMPTY_TEXT);
        assertThat(DeadLetters.errorClass(new TranslationException(
                TranslationException.Reason.UNSUPPORTED_LANGUAGE_PAIR, "e"))).isEqualTo(
                ErrorClass.UNSUPPORTED_LANGUAGE_PAIR);
        assertThat(DeadLetters.errorClass(new TranslationException(TranslationException.Reason.CLOSED, "e")))
                .isEqualTo(ErrorClass.INFERENCE_FAILED);
        assertThat(DeadLetters.errorClass(new IllegalStateException("e"))).isEqualTo(ErrorClass.INFERENCE_FAILED);
    }

    @Test
    void aFullBatcherIsRetriedWhileCompletedHeadItemsAreForwarded() {
        processor.init(context);
        process(0, "a", event("s0", "zero", "fr"));
        batcher.translate(0);
        batcher.answers.addAll(List.of(false, false));
        List<Integer> forwardedAtRefusal = new ArrayList<>();
        batcher.onRefusal = () -> forwardedAtRefusal.add(context.forwarded().size());
        process(1, "a", event("s1", "one", "fr"));
        assertThat(batcher.offeredOffsets()).containsExactly(0L, 1L);
        // the first refusal came before any forwarding; the retry loop then forwarded the completed head
        assertThat(forwardedAtRefusal).containsExactly(0, 2);
        assertThat(forwardedIds()).containsExactly("translations-sink:s0", "alignments-sink:s0");
        assertThat(pendingOffsets()).containsExactly(1L);
    }

    @Test
    void invalidInputsAreDeadLetteredAtOnceWithTheirBytes() {
        TopologyConfig noDefault = config(StreamlateConfig.MAX_TEXT_CHARS, "10");
        processor = processor(noDefault, VALUES, ProcessingListener.NONE, () -> true, System::nanoTime);
        processor.init(context);
        byte[] garbage = {0, 1, 2, 3};
        process(0, "k", garbage);
        process(1, "k", (byte[]) null);
        process(2, "k", event("s2", "  ", "fr"));
        process(3, "k", event("s3", "ééééééééééé", "fr"));
        process(4, "k", event("s4", "ok", null));
        process(5, "k", event("s5", "ok", "de"));
        assertThat(batcher.offered).isEmpty();
        assertThat(pendingOffsets()).isEmpty();
        List<DeadLetter> letters = context.forwarded().stream()
                .peek(f -> assertThat(f.childName()).hasValue("dead-letters-sink"))
                .map(f -> (DeadLetter) f.record().value()).toList();
        assertThat(letters).extracting(DeadLetter::getErrorClass).containsExactly(ErrorClass.DESERIALIZATION,
                ErrorClass.DESERIALIZATION, ErrorClass.EMPTY_TEXT, ErrorClass.TEXT_TOO_LONG,
                ErrorClass.UNSUPPORTED_LANGUAGE_PAIR, ErrorClass.UNSUPPORTED_LANGUAGE_PAIR);
        assertThat(letters).extracting(DeadLetter::getOffset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(letters.get(0).getOriginalValue().array()).isEqualTo(garbage);
        assertThat(letters.get(0).getReason()).contains("CORRUPT");
        assertThat(letters.get(1).getOriginalValue()).isNull();
        assertThat(letters.get(3).getReason()).contains("11 characters");
        assertThat(letters.get(5).getReason()).contains("en-de");
        assertThat(letters).extracting(DeadLetter::getFailedAt).containsOnly(Instant.ofEpochMilli(1_000));
        List<Headers> headers = context.forwarded().stream().map(f -> f.record().headers()).toList();
        assertThat(headers).extracting(h -> header(h, DeadLetterHeaders.EXCEPTION)).containsExactly(
                InvalidPayloadException.class.getName(), InvalidPayloadException.class.getName(),
                TranslationException.class.getName(), TranslationException.class.getName(),
                TranslationException.class.getName(), TranslationException.class.getName());
        assertThat(headers).extracting(h -> header(h, DeadLetterHeaders.MESSAGE))
                .containsExactlyElementsOf(letters.stream().map(DeadLetter::getReason).toList());
        assertThat(headers).extracting(h -> header(h, DeadLetterHeaders.OFFSET))
                .containsExactly("0", "1", "2", "3", "4", "5");
        assertThat(headers).allSatisfy(h -> assertThat(h.lastHeader(DeadLetterHeaders.STACKTRACE)).isNull());
    }

    @Test
    void anEventWithAGivenTranslationIsAlignedInItsTurnAndItsOutputsSaySo() {
        processor.init(context);
        process(0, "a", event("s0", "zero", "fr"));
        process(1, "a", given(event("s1", "I love you .", "fr"), "je t' aime ."));
        process(2, "a", event("s2", "two", "fr"));
        assertThat(batcher.offered).extracting(BatchItem::given).containsExactly(null, "je t' aime .", null);

        batcher.translate(2);
        batcher.translate(1);
        batcher.translate(0);
        punctuate();

        assertThat(forwardedIds()).containsExactly("translations-sink:s0", "alignments-sink:s0",
                "translations-sink:s1", "alignments-sink:s1", "translations-sink:s2", "alignments-sink:s2");
        List<SpecificRecord> values = context.forwarded().stream().map(f -> (SpecificRecord) f.record().value()).toList();
        assertThat(values).extracting(v -> v instanceof Translation t ? t.getGivenTranslation()
                : ((Alignment) v).getGivenTranslation()).containsExactly(false, false, true, true, false, false);
        assertThat(pendingOffsets()).isEmpty();
    }

    @Test
    void aGivenTranslationThatIsBlankOrTooLongIsDeadLettered() {
        TopologyConfig shortTexts = config(StreamlateConfig.MAX_TEXT_CHARS, "10",
                StreamlateConfig.DEFAULT_TARGET_LANGUAGE, "fr");
        processor = processor(shortTexts, VALUES, ProcessingListener.NONE, () -> true, System::nanoTime);
        processor.init(context);
        process(0, "k", given(event("s0", "ok", "fr"), " "));
        process(1, "k", given(event("s1", "ok", "fr"), "ééééééééééé"));

        assertThat(batcher.offered).isEmpty();
        List<DeadLetter> letters = context.forwarded().stream().map(f -> (DeadLetter) f.record().value()).toList();
        assertThat(letters).extracting(DeadLetter::getErrorClass)
                .containsExactly(ErrorClass.EMPTY_TEXT, ErrorClass.TEXT_TOO_LONG);
        assertThat(letters.get(0).getReason()).contains("given translation with no text");
        assertThat(letters.get(1).getReason()).contains("given translation of 11 characters");
    }

    @Test
    void theEnginesTooLongErrorIsATextTooLongDeadLetter() {
        processor.init(context);
        process(0, "k", given(event("s0", "ok", "fr"), "d'accord"));
        batcher.fail(0, new TranslationException(Reason.INPUT_TOO_LONG, "pair 0: the target has 300 subwords"));
        punctuate();

        DeadLetter letter = (DeadLetter) context.forwarded().get(0).record().value();
        assertThat(letter.getErrorClass()).isEqualTo(ErrorClass.TEXT_TOO_LONG);
        assertThat(letter.getReason()).contains("300 subwords");
    }

    static SentenceEvent given(SentenceEvent event, String translation) {
        return SentenceEvent.newBuilder(event).setTranslation(translation).build();
    }

    @Test
    void processWaitsAtMostTheBoundThenThePunctuatorOffersWhatWaits() {
        long[] nanos = {0};
        TopologyConfig bounded = config(StreamlateConfig.DEFAULT_TARGET_LANGUAGE, "fr",
                StreamlateConfig.OFFER_MAX_BLOCK_MS, "50");
        processor = processor(bounded, VALUES, ProcessingListener.NONE, () -> true, () -> nanos[0]);
        processor.init(context);
        int[] refusals = {0};
        batcher.onRefusal = () -> {
            refusals[0]++;
            nanos[0] += Duration.ofMillis(10).toNanos();
        };
        for (int i = 0; i < 1000; i++) {
            batcher.answers.add(false);
        }
        process(0, "a", event("s0", "zero", "fr"));
        assertThat(refusals[0]).as("tries at 0, 10, 20, 30 and 40 ms of the 50 ms bound").isEqualTo(5);
        process(1, "a", event("s1", "one", "fr"));
        assertThat(batcher.offered).isEmpty();
        assertThat(pendingOffsets()).containsExactly(0L, 1L);

        batcher.answers.clear();
        punctuate();
        assertThat(batcher.offeredOffsets()).containsExactly(0L, 1L);
        batcher.translate(0);
        batcher.translate(1);
        punctuate();
        assertThat(forwardedIds()).containsExactly("translations-sink:s0", "alignments-sink:s0",
                "translations-sink:s1", "alignments-sink:s1");
        assertThat(pendingOffsets()).isEmpty();
    }

    @Test
    void inputsWaitUndecodedInOrderWhileTheRegistryFails() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        AvroDeserializer<SentenceEvent> unreachable = AvroDeserializer.specific(SentenceEvent.class);
        unreachable.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + closedPort, "max.retries", "0"),
                false);
        byte[] framed = {0, 0, 0, 0, 42, 1, 2, 3};
        byte[] framedEmpty = {0, 0, 0, 0, 42, 4, 5, 6};
        Map<Integer, SentenceEvent> registered = Map.of(3, event("s1", "one", "fr"), 6, event("s3", " ", "fr"));
        AtomicReference<Deserializer<SentenceEvent>> framedValues = new AtomicReference<>(unreachable);
        Deserializer<SentenceEvent> values = (topic, bytes) -> bytes != null && bytes.length == framed.length
                && bytes[0] == 0 ? framedValues.get().deserialize(topic, bytes) : VALUES.deserialize(topic, bytes);
        List<String> heard = new ArrayList<>();
        boolean[] available = {true};
        int[] pendingCount = {0};
        ProcessingListener listener = new ProcessingListener() {
            @Override
            public void registryFailed(SchemaRegistryException error) {
                heard.add("registry failed");
                available[0] = false; // what the instance's registry health does with a reported failure
            }

            @Override
            public void deadLettered(ErrorClass errorClass) {
                heard.add("dead letter " + errorClass);
            }

            @Override
            public void pendingChanged(int delta) {
                pendingCount[0] += delta;
            }
        };
        long[] nanos = {0};
        processor = processor(CONFIG, values, listener, () -> available[0], () -> nanos[0]);
        processor.init(context);

        process(0, "a", event("s0", "zero", "fr"));
        process(1, "a", framed);
        process(2, "a", event("s2", "two", "fr"));
        process(3, "a", framedEmpty);
        assertThat(heard).as("one attempt per new input, no retry while the registry is unavailable")
                .containsExactly("registry failed", "registry failed");
        assertThat(batcher.offeredOffsets()).as("inputs behind an undecoded one wait").containsExactly(0L);
        assertThat(pendingOffsets()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(store.get(1L).decoded()).isFalse();
        assertThat(pendingCount[0]).isEqualTo(4);
        batcher.translate(0);
        punctuate();
        assertThat(forwardedIds()).containsExactly("translations-sink:s0", "alignments-sink:s0");
        assertThat(heard).hasSize(2);
        available[0] = true; // the registry health's next check answered
        punctuate();
        assertThat(heard).as("retried at the first punctuation once the registry answers").hasSize(3);
        assertThat(batcher.offeredOffsets()).containsExactly(0L);

        available[0] = true;
        framedValues.set((topic, bytes) -> registered.get((int) bytes[bytes.length - 1]));
        punctuate();
        assertThat(batcher.offeredOffsets()).containsExactly(0L, 1L, 2L);
        assertThat(store.get(1L).value()).as("the store keeps the bytes as read").isEqualTo(framed);
        batcher.translate(2);
        batcher.translate(1);
        punctuate();
        assertThat(forwardedIds()).containsExactly("translations-sink:s0", "alignments-sink:s0",
                "translations-sink:s1", "alignments-sink:s1", "translations-sink:s2", "alignments-sink:s2",
                "dead-letters-sink:3");
        DeadLetter late = (DeadLetter) context.forwarded().get(6).record().value();
        assertThat(late.getErrorClass()).isEqualTo(ErrorClass.EMPTY_TEXT);
        assertThat(late.getOriginalValue().array()).isEqualTo(framedEmpty);
        assertThat(heard).endsWith("dead letter EMPTY_TEXT");
        assertThat(pendingOffsets()).isEmpty();
        assertThat(pendingCount[0]).isZero();
    }

    @Test
    void inputsWhoseSchemaIsStillBeingLookedUpWaitUndecodedInOrderWithoutCallingTheDeserializer() {
        boolean[] lookupAnswered = {false};
        AtomicInteger deserialized = new AtomicInteger();
        Deserializer<SentenceEvent> values = (topic, bytes) -> {
            deserialized.incrementAndGet();
            return VALUES.deserialize(topic, bytes);
        };
        List<String> heard = new ArrayList<>();
        ProcessingListener listener = new ProcessingListener() {
            @Override
            public void registryFailed(SchemaRegistryException error) {
                heard.add("registry failed");
            }
        };
        processor = processor(CONFIG, values, value -> lookupAnswered[0], listener, () -> true, () -> 0);
        processor.init(context);

        process(0, "a", event("s0", "zero", "fr"));
        process(1, "b", event("s1", "one", "fr"));
        punctuate();
        assertThat(deserialized).as("the deserializer would ask the registry on this thread").hasValue(0);
        assertThat(batcher.offeredOffsets()).isEmpty();
        assertThat(pendingOffsets()).containsExactly(0L, 1L);
        assertThat(store.get(0L).decoded()).isFalse();
        assertThat(heard).as("a lookup under way is no failure").isEmpty();

        lookupAnswered[0] = true;
        punctuate();
        assertThat(batcher.offeredOffsets()).containsExactly(0L, 1L);
        batcher.translate(1);
        batcher.translate(0);
        punctuate();
        assertThat(forwardedIds()).containsExactly("translations-sink:s0", "alignments-sink:s0",
                "translations-sink:s1", "alignments-sink:s1");
        assertThat(pendingOffsets()).isEmpty();
        assertThat(deserialized).hasValue(2);
    }

    @Test
    void theStoreKeepsTheBytesAndCoordinatesAndRestoresEveryEntryUndecoded() {
        SentenceEvent event = event("s1", "hello", null);
        PendingInput input = new PendingInput(new byte[]{4}, encode(event), TOPIC, 3, 77, 12, 34, event, "fr");

        PendingInput read = PendingInputSerde.read(PendingInputSerde.write(input));

        assertThat(read.decoded()).isFalse();
        assertThat(read).usingRecursiveComparison().isEqualTo(PendingInput.undecoded(new byte[]{4}, encode(event),
                TOPIC, 3, 77, 12, 34));
        PendingInput undecoded = PendingInput.undecoded(null, new byte[]{0, 0, 0, 0, 5}, TOPIC, 2, 78, 13, 35);
        assertThat(PendingInputSerde.read(PendingInputSerde.write(undecoded))).usingRecursiveComparison()
                .isEqualTo(undecoded);
    }

    @Test
    void entriesOfTheFormerFormatsReadAsTheirBytesWithoutTheirStoredEvent() throws IOException {
        byte[] value = encode(event("s1", "hello", "fr"));
        for (int version : new int[]{1, 2}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(version);
                out.writeUTF(TOPIC);
                out.writeInt(1);
                out.writeLong(5);
                out.writeLong(6);
                out.writeLong(7);
                if (version == 1) {
                    out.writeUTF("fr");
                }
                out.writeInt(-1);
                out.writeInt(value.length);
                out.write(value);
                if (version == 2) {
                    out.writeBoolean(true);
                    out.writeUTF("fr");
                }
                out.writeInt(3);
                out.write(new byte[]{(byte) 0xC3, 0x01, 0x02}); // an event in a schema this code may not know
            }

            PendingInput read = PendingInputSerde.read(bytes.toByteArray());

            assertThat(read).as("version %d", version).usingRecursiveComparison()
                    .isEqualTo(PendingInput.undecoded(null, value, TOPIC, 1, 5, 6, 7));
        }
    }
}
