package io.streamlate.topology.processing;

import io.streamlate.model.LanguagePair;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.topology.batching.BatchItem;
import io.streamlate.topology.batching.Completion;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Translates one task's sentence events through the shared micro-batcher and forwards the results in input order.
 * An event that carries a given translation is force-aligned with it instead of translated; it follows the same
 * path, order, delivery and dead-letter rules, and its outputs say the translation was given.
 *
 * <ul>
 *   <li>{@link #process}: decodes the value (undecodable → DESERIALIZATION dead letter with the bytes as read) and
 *   validates it (EMPTY_TEXT, TEXT_TOO_LONG, UNSUPPORTED_LANGUAGE_PAIR); a valid input is put into the pending
 *   store under its offset and appended to the task's FIFO and to its waiting line, which is then offered to the
 *   batcher in order. process() waits for room at most {@link TopologyConfig#offerMaxBlock()} in all (forwarding
 *   completed head items between bounded tries), so it always returns well within {@code max.poll.interval.ms};
 *   what is still waiting then is offered again by the punctuator. The instance's backpressure controller pauses
 *   Kafka Streams long before waiting lines grow.</li>
 *   <li>A value that cannot be decoded because the schema registry failed (not the payload's fault) is kept pending
 *   undecoded in the waiting line; it is decoded again at most once per {@link #REGISTRY_RETRY} and the inputs
 *   behind it wait, so nothing is lost or reordered while the registry is down. The listener hears of each failure
 *   (the backpressure controller pauses consumption until the registry answers).</li>
 *   <li>Completions only enter a concurrent queue (worker threads). A wall-clock punctuator drains it on the stream
 *   thread and forwards from the FIFO head while the head is resolved: Translation + Alignment, or a dead letter
 *   for a failed sentence, each followed by deleting its pending entry. ABANDONED completions (batcher shutdown)
 *   are not forwarded: the input stays pending.</li>
 *   <li>{@link #init}: puts every pending entry back in the FIFO and the waiting line, in offset order (restored
 *   after a crash or rebalance), undecoded: the store keeps the bytes as read, and the punctuator decodes and
 *   validates them again, then submits them. Each init gets a fresh completion queue, so
 *   completions of a previous life of the processor are dropped.</li>
 * </ul>
 *
 * Outputs keep the input key and timestamp. Tests: {@code TranslationProcessorTest} (ordering, restore,
 * abandonment, failures, duplicates, bounded blocking, registry outages) and {@code TranslationTopologyTest} (real
 * registry, batcher and model). Not supported: per-key instead of per-task ordering.
 */
public final class TranslationProcessor implements Processor<byte[], byte[], byte[], SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(TranslationProcessor.class);
    /** How long an undecoded input waits after a registry failure before it is decoded again. */
    static final Duration REGISTRY_RETRY = Duration.ofSeconds(1);
    /** The id logged for a record whose value could not be decoded. */
    static final String UNKNOWN_ID = "-";

    /** Names of the children the processor forwards to. */
    public record Sinks(String translations, String alignments, String deadLetters) {
    }

    /** A FIFO entry: a pending input and, once resolved, its completion or (found invalid late) its dead letter. */
    private static final class Slot {
        PendingInput input;
        Completion<Long> completion;
        Rejected rejection;

        Slot(PendingInput input) {
            this.input = input;
        }

        boolean resolved() {
            return completion != null || rejection != null;
        }
    }

    /** Why a decoded event cannot be translated. */
    private record Rejection(ErrorClass errorClass, String reason) {
    }

    /** What reading a raw input gave: the decoded input, its dead letter, or nothing yet (the registry failed). */
    private sealed interface Reading permits Decoded, Rejected, RegistryDown {
    }

    private record Decoded(PendingInput input) implements Reading {
    }

    /** @param id the event's id, or {@value #UNKNOWN_ID} when it could not be decoded */
    private record Rejected(String id, DeadLetter letter) implements Reading {
    }

    private record RegistryDown() implements Reading {
    }

    private final TopologyConfig config;
    private final BatchSubmitter batcher;
    private final Deserializer<SentenceEvent> values;
    private final TranslationRecords records;
    private final Sinks sinks;
    private final ProcessingListener listener;
    private final LongSupplier nanoTime;

    private ProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<Long, PendingInput> pending;
    /** The task's inputs in offset order, from the pending store's first entry to its last. */
    private final TreeMap<Long, Slot> fifo = new TreeMap<>();
    /** FIFO entries not yet taken by the batcher, in offset order. */
    private final Deque<Slot> waiting = new ArrayDeque<>();
    private volatile Queue<Completion<Long>> completions = new ConcurrentLinkedQueue<>();
    /** After a registry failure, no undecoded input is decoded again before this time (nanoTime). */
    private boolean registryFailing;
    private long registryRetryAtNanos;

    public TranslationProcessor(TopologyConfig config, BatchSubmitter batcher, Deserializer<SentenceEvent> values,
                                TranslationRecords records, Sinks sinks) {
        this(config, batcher, values, records, sinks, ProcessingListener.NONE, System::nanoTime);
    }

    /** @param nanoTime the clock that bounds process()'s wait (tests shorten it) */
    public TranslationProcessor(TopologyConfig config, BatchSubmitter batcher, Deserializer<SentenceEvent> values,
                                TranslationRecords records, Sinks sinks, ProcessingListener listener,
                                LongSupplier nanoTime) {
        this.config = Objects.requireNonNull(config, "config");
        this.batcher = Objects.requireNonNull(batcher, "batcher");
        this.values = Objects.requireNonNull(values, "values");
        this.records = Objects.requireNonNull(records, "records");
        this.sinks = Objects.requireNonNull(sinks, "sinks");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        this.pending = context.getStateStore(config.pendingStoreName());
        this.completions = new ConcurrentLinkedQueue<>();
        release();
        List<PendingInput> restored = new ArrayList<>();
        try (KeyValueIterator<Long, PendingInput> all = pending.all()) {
            all.forEachRemaining(entry -> restored.add(entry.value));
        }
        if (!restored.isEmpty()) {
            LOG.info("task {}: re-submitting {} pending inputs from offset {}", context.taskId(), restored.size(),
                    restored.get(0).offset());
        }
        for (PendingInput input : restored) {
            enqueue(input);
        }
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, now -> punctuate());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata where = context.recordMetadata().orElseThrow(() -> new IllegalStateException(
                "a record without topic, partition and offset reached the translation processor"));
        long now = context.currentSystemTimeMs();
        if (fifo.containsKey(where.offset())) {
            // already pending (restored from the changelog and re-read after a crash without exactly-once)
            return;
        }
        PendingInput raw = PendingInput.undecoded(record.key(), record.value(), where.topic(), where.partition(),
                where.offset(), record.timestamp(), now);
        Reading reading = read(raw);
        if (reading instanceof Rejected rejected) {
            forwardDeadLetter(raw, rejected.id(), rejected.letter());
            return;
        }
        PendingInput input = reading instanceof Decoded decoded ? decoded.input() : raw;
        pending.put(input.offset(), input);
        enqueue(input);
        offerWaiting(true);
    }

    private void enqueue(PendingInput input) {
        Slot slot = new Slot(input);
        fifo.put(input.offset(), slot);
        waiting.addLast(slot);
        listener.pendingChanged(1);
    }

    /**
     * The wall-clock punctuator: forwards what completed, then offers what waits without blocking, then forwards
     * again (a waiting input found invalid late resolves at once).
     */
    void punctuate() {
        forwardCompleted();
        if (!waiting.isEmpty()) {
            offerWaiting(false);
            forwardCompleted();
        }
    }

    /**
     * Offers the waiting line to the batcher in order. With {@code block}, waits for room up to
     * {@link TopologyConfig#offerMaxBlock()} in all, in tries of at most {@link TopologyConfig#offerTimeout()},
     * forwarding completed head items between tries; without, makes one try per input and stops at the first
     * refusal. Never waits for the registry: an undecoded head stops the line until its next retry. What is not
     * taken stays waiting (it is pending already).
     */
    private void offerWaiting(boolean block) {
        long deadline = nanoTime.getAsLong() + (block ? config.offerMaxBlock().toNanos() : 0);
        while (!waiting.isEmpty()) {
            Slot head = waiting.peekFirst();
            Admission admission;
            try {
                admission = admit(head, tryTimeout(deadline));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StreamsException("interrupted while offering offset " + head.input.offset()
                        + " to the batcher", e);
            } catch (IllegalStateException e) {
                // the batcher is closing: the inputs stay pending and are re-submitted after restart
                about(LOG.atWarn(), head.input, idOf(head.input))
                        .log("not submitted, stays pending: {}", e.getMessage());
                return;
            }
            if (admission == Admission.LEFT_LINE) {
                waiting.pollFirst();
                continue;
            }
            if (admission == Admission.REGISTRY_DOWN || nanoTime.getAsLong() - deadline >= 0) {
                LOG.debug("{} inputs wait for the {} from offset {}", waiting.size(),
                        admission == Admission.REGISTRY_DOWN ? "schema registry" : "batcher", head.input.offset());
                return;
            }
            forwardCompleted();
        }
    }

    private Duration tryTimeout(long deadlineNanos) {
        long left = deadlineNanos - nanoTime.getAsLong();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(Math.min(left, config.offerTimeout().toNanos()));
    }

    /** What became of one attempt to move the head of the waiting line into the batcher. */
    private enum Admission {
        /** taken by the batcher, or found invalid (its dead letter is forwarded in turn) */
        LEFT_LINE,
        /** the batcher had no room within the try's timeout */
        NO_ROOM,
        /** the input is still undecoded: the registry failed now or less than {@link #REGISTRY_RETRY} ago */
        REGISTRY_DOWN
    }

    /** Decodes the slot's input if it is not yet (at most once per {@link #REGISTRY_RETRY}), then offers it. */
    private Admission admit(Slot slot, Duration timeout) throws InterruptedException {
        if (!slot.input.decoded()) {
            if (registryFailing && nanoTime.getAsLong() - registryRetryAtNanos < 0) {
                return Admission.REGISTRY_DOWN;
            }
            Reading reading = read(slot.input);
            if (reading instanceof Rejected rejected) {
                slot.rejection = rejected;
                return Admission.LEFT_LINE;
            }
            if (!(reading instanceof Decoded decoded)) {
                return Admission.REGISTRY_DOWN;
            }
            slot.input = decoded.input();
            about(LOG.atDebug(), slot.input, slot.input.event().getId())
                    .log("decoded after waiting undecoded (restored from the store, or the registry failed)");
        }
        Queue<Completion<Long>> sink = completions;
        PendingInput input = slot.input;
        return batcher.offer(new BatchItem<>(input.offset(), input.pair(), input.event().getText(),
                input.event().getTranslation(), sink::add), timeout) ? Admission.LEFT_LINE : Admission.NO_ROOM;
    }

    /** Decodes and validates a raw input; reports a registry failure to the listener. */
    private Reading read(PendingInput raw) {
        SentenceEvent event;
        try {
            event = decode(raw);
        } catch (InvalidPayloadException e) {
            return new Rejected(UNKNOWN_ID, deadLetterOf(raw, ErrorClass.DESERIALIZATION, e.getMessage()));
        } catch (SchemaRegistryException e) {
            registryFailed(raw, e);
            return new RegistryDown();
        }
        Rejection rejection = validate(event);
        if (rejection != null) {
            return new Rejected(event.getId(), deadLetterOf(raw, rejection.errorClass(), rejection.reason()));
        }
        return new Decoded(raw.withEvent(event, target(event)));
    }

    private SentenceEvent decode(PendingInput raw) {
        SentenceEvent event = values.deserialize(raw.topic(), raw.value());
        if (event == null) {
            throw new InvalidPayloadException(InvalidPayloadException.Reason.TRUNCATED, "the value is null");
        }
        return event;
    }

    private void registryFailed(PendingInput raw, SchemaRegistryException error) {
        registryFailing = true;
        registryRetryAtNanos = nanoTime.getAsLong() + REGISTRY_RETRY.toNanos();
        about(LOG.atWarn(), raw, UNKNOWN_ID).log("waits undecoded: the schema registry failed: {}",
                error.getMessage());
        listener.registryFailed(error);
    }

    private String target(SentenceEvent event) {
        return event.getTargetLanguage() != null ? event.getTargetLanguage()
                : config.defaultTargetLanguage().orElse(null);
    }

    /** Null when the event can be translated. */
    private Rejection validate(SentenceEvent event) {
        String text = event.getText();
        if (text.isBlank()) {
            return new Rejection(ErrorClass.EMPTY_TEXT, "sentence " + event.getId() + " has no text");
        }
        int length = text.codePointCount(0, text.length());
        if (length > config.maxTextChars()) {
            return new Rejection(ErrorClass.TEXT_TOO_LONG, "sentence " + event.getId() + " has " + length
                    + " characters, over " + TopologyConfig.MAX_TEXT_CHARS + " = " + config.maxTextChars());
        }
        String given = event.getTranslation();
        if (given != null && given.isBlank()) {
            return new Rejection(ErrorClass.EMPTY_TEXT, "sentence " + event.getId()
                    + " has a given translation with no text (leave translation null to have it translated)");
        }
        int givenLength = given == null ? 0 : given.codePointCount(0, given.length());
        if (givenLength > config.maxTextChars()) {
            return new Rejection(ErrorClass.TEXT_TOO_LONG, "sentence " + event.getId() + " has a given translation of "
                    + givenLength + " characters, over " + TopologyConfig.MAX_TEXT_CHARS + " = " + config.maxTextChars());
        }
        String target = target(event);
        if (target == null) {
            return new Rejection(ErrorClass.UNSUPPORTED_LANGUAGE_PAIR, "sentence " + event.getId()
                    + " has no target_language and no " + TopologyConfig.DEFAULT_TARGET_LANGUAGE + " is set");
        }
        LanguagePair pair = new LanguagePair(event.getSourceLanguage(), target);
        if (!batcher.supports(pair)) {
            return new Rejection(ErrorClass.UNSUPPORTED_LANGUAGE_PAIR, "sentence " + event.getId()
                    + ": no model translates " + pair);
        }
        return null;
    }

    /** Drains the completions, then forwards from the FIFO head while the head is resolved. Stream thread only. */
    void forwardCompleted() {
        Queue<Completion<Long>> queue = completions;
        for (Completion<Long> completion = queue.poll(); completion != null; completion = queue.poll()) {
            Slot slot = fifo.get(completion.tag());
            if (slot == null || slot.completion != null) {
                continue;
            }
            if (completion.status() == Completion.Status.ABANDONED) {
                LOG.debug("offset {} abandoned by the batcher; it stays pending", completion.tag());
                continue;
            }
            slot.completion = completion;
        }
        long now = context.currentSystemTimeMs();
        while (!fifo.isEmpty() && fifo.firstEntry().getValue().resolved()) {
            Slot head = fifo.pollFirstEntry().getValue();
            if (head.rejection != null) {
                forwardDeadLetter(head.input, head.rejection.id(), head.rejection.letter());
            } else {
                forward(head.input, head.completion, now);
            }
            pending.delete(head.input.offset());
            listener.pendingChanged(-1);
        }
    }

    private void forward(PendingInput input, Completion<Long> completion, long now) {
        if (completion.isTranslated()) {
            long endToEnd = now - input.receivedAtMs();
            context.forward(new Record<>(input.key(), records.translation(input, completion.result(),
                    completion.timings(), endToEnd), input.timestamp()), sinks.translations());
            context.forward(new Record<>(input.key(), records.alignment(input, completion.result()),
                    input.timestamp()), sinks.alignments());
            listener.translated(input.pair(), endToEnd);
        } else {
            forwardDeadLetter(input, input.event().getId(), DeadLetters.of(input, completion.error(), now));
        }
    }

    private DeadLetter deadLetterOf(PendingInput raw, ErrorClass errorClass, String reason) {
        return DeadLetters.of(raw.key(), raw.value(), raw.topic(), raw.partition(), raw.offset(), raw.timestamp(),
                errorClass, reason, context.currentSystemTimeMs());
    }

    private void forwardDeadLetter(PendingInput input, String id, DeadLetter letter) {
        about(LOG.atInfo(), input, id).addKeyValue("error_class", letter.getErrorClass())
                .log("dead-lettered: {}", letter.getReason());
        context.forward(new Record<>(input.key(), letter, input.timestamp()), sinks.deadLetters());
        listener.deadLettered(letter.getErrorClass());
    }

    /** The keys every per-record log line carries: the event id (or {@value #UNKNOWN_ID}) and the coordinates. */
    private static LoggingEventBuilder about(LoggingEventBuilder line, PendingInput input, String id) {
        return line.addKeyValue("id", id).addKeyValue("topic", input.topic())
                .addKeyValue("partition", input.partition()).addKeyValue("offset", input.offset());
    }

    private static String idOf(PendingInput input) {
        return input.decoded() ? input.event().getId() : UNKNOWN_ID;
    }

    @Override
    public void close() {
        // late completions go into a queue nobody drains; the library closes the store, entries stay pending
        completions = new ConcurrentLinkedQueue<>();
        release();
    }

    private void release() {
        if (!fifo.isEmpty()) {
            listener.pendingChanged(-fifo.size());
        }
        fifo.clear();
        waiting.clear();
    }
}
