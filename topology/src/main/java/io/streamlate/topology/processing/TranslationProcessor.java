package io.streamlate.topology.processing;

import io.streamlate.model.LanguagePair;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.SentenceEvent;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Translates one task's sentence events through the shared micro-batcher and forwards the results in input order.
 *
 * <ul>
 *   <li>{@link #process}: decodes the value (undecodable → DESERIALIZATION dead letter with the bytes as read) and
 *   validates it (EMPTY_TEXT, TEXT_TOO_LONG, UNSUPPORTED_LANGUAGE_PAIR); a valid input is put into the pending
 *   store under its offset, appended to the task's FIFO and offered to the batcher, retrying the bounded offer and
 *   forwarding completed head items between tries (never dropping).</li>
 *   <li>Completions only enter a concurrent queue (worker threads). A wall-clock punctuator drains it on the stream
 *   thread and forwards from the FIFO head while the head is complete: Translation + Alignment, or a dead letter
 *   for a failed sentence, each followed by deleting its pending entry. ABANDONED completions (batcher shutdown)
 *   are not forwarded: the input stays pending.</li>
 *   <li>{@link #init}: re-submits every pending entry in offset order (restored after a crash or rebalance).
 *   Each init gets a fresh completion queue, so completions of a previous life of the processor are dropped.</li>
 * </ul>
 *
 * Outputs keep the input key and timestamp. Tests: {@code TranslationProcessorTest} (ordering, restore,
 * abandonment, failures, duplicates) and {@code TranslationTopologyTest} (real registry, batcher and model). Not
 * supported: pausing consumption (a slow engine blocks process() in its offer loop), per-key instead of per-task
 * ordering.
 */
public final class TranslationProcessor implements Processor<byte[], byte[], byte[], SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(TranslationProcessor.class);

    /** Names of the children the processor forwards to. */
    public record Sinks(String translations, String alignments, String deadLetters) {
    }

    /** A FIFO entry: a pending input and, once it arrived, its completion. */
    private static final class Slot {
        final PendingInput input;
        Completion<Long> completion;

        Slot(PendingInput input) {
            this.input = input;
        }
    }

    private final TopologyConfig config;
    private final BatchSubmitter batcher;
    private final Deserializer<SentenceEvent> values;
    private final TranslationRecords records;
    private final Sinks sinks;

    private ProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<Long, PendingInput> pending;
    /** The task's inputs in offset order, from the pending store's first entry to its last. */
    private final TreeMap<Long, Slot> fifo = new TreeMap<>();
    private volatile Queue<Completion<Long>> completions = new ConcurrentLinkedQueue<>();

    public TranslationProcessor(TopologyConfig config, BatchSubmitter batcher, Deserializer<SentenceEvent> values,
                                TranslationRecords records, Sinks sinks) {
        this.config = Objects.requireNonNull(config, "config");
        this.batcher = Objects.requireNonNull(batcher, "batcher");
        this.values = Objects.requireNonNull(values, "values");
        this.records = Objects.requireNonNull(records, "records");
        this.sinks = Objects.requireNonNull(sinks, "sinks");
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        this.pending = context.getStateStore(config.pendingStoreName());
        this.completions = new ConcurrentLinkedQueue<>();
        fifo.clear();
        List<PendingInput> restored = new ArrayList<>();
        try (KeyValueIterator<Long, PendingInput> all = pending.all()) {
            all.forEachRemaining(entry -> restored.add(entry.value));
        }
        if (!restored.isEmpty()) {
            LOG.info("task {}: re-submitting {} pending inputs from offset {}", context.taskId(), restored.size(),
                    restored.get(0).offset());
        }
        for (PendingInput input : restored) {
            fifo.put(input.offset(), new Slot(input));
            submit(input, false);
        }
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, now -> forwardCompleted());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata where = context.recordMetadata().orElseThrow(() -> new IllegalStateException(
                "a record without topic, partition and offset reached the translation processor"));
        long now = context.currentSystemTimeMs();
        SentenceEvent event;
        try {
            event = values.deserialize(where.topic(), record.value());
            if (event == null) {
                throw new InvalidPayloadException(InvalidPayloadException.Reason.TRUNCATED, "the value is null");
            }
        } catch (InvalidPayloadException e) {
            deadLetter(record, where, ErrorClass.DESERIALIZATION, e.getMessage(), now);
            return;
        }
        String target = event.getTargetLanguage() != null ? event.getTargetLanguage()
                : config.defaultTargetLanguage().orElse(null);
        String text = event.getText();
        if (text.isBlank()) {
            deadLetter(record, where, ErrorClass.EMPTY_TEXT, "sentence " + event.getId() + " has no text", now);
            return;
        }
        int length = text.codePointCount(0, text.length());
        if (length > config.maxTextChars()) {
            deadLetter(record, where, ErrorClass.TEXT_TOO_LONG, "sentence " + event.getId() + " has " + length
                    + " characters, over " + TopologyConfig.MAX_TEXT_CHARS + " = " + config.maxTextChars(), now);
            return;
        }
        if (target == null) {
            deadLetter(record, where, ErrorClass.UNSUPPORTED_LANGUAGE_PAIR, "sentence " + event.getId()
                    + " has no target_language and no " + TopologyConfig.DEFAULT_TARGET_LANGUAGE + " is set", now);
            return;
        }
        LanguagePair pair = new LanguagePair(event.getSourceLanguage(), target);
        if (!batcher.supports(pair)) {
            deadLetter(record, where, ErrorClass.UNSUPPORTED_LANGUAGE_PAIR, "sentence " + event.getId()
                    + ": no model translates " + pair, now);
            return;
        }
        if (fifo.containsKey(where.offset())) {
            // already pending (restored from the changelog and re-read after a crash without exactly-once)
            return;
        }
        PendingInput input = new PendingInput(record.key(), record.value(), where.topic(), where.partition(),
                where.offset(), record.timestamp(), now, event, target);
        pending.put(input.offset(), input);
        fifo.put(input.offset(), new Slot(input));
        submit(input, true);
    }

    /**
     * Offers the input until the batcher takes it. With {@code forwardWhileWaiting}, completed head items are
     * forwarded between tries (not in init(), where forwarding is not allowed).
     */
    private void submit(PendingInput input, boolean forwardWhileWaiting) {
        Queue<Completion<Long>> sink = completions;
        BatchItem<Long> item = new BatchItem<>(input.offset(), input.pair(), input.event().getText(), sink::add);
        try {
            while (!batcher.offer(item, config.offerTimeout())) {
                LOG.debug("the batcher is full; offset {} waits", input.offset());
                if (forwardWhileWaiting) {
                    forwardCompleted();
                }
            }
        } catch (IllegalStateException e) {
            // the batcher is closing: the input stays pending and is re-submitted after restart
            LOG.warn("offset {} not submitted, it stays pending: {}", input.offset(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamsException("interrupted while offering offset " + input.offset() + " to the batcher", e);
        }
    }

    /** Drains the completions, then forwards from the FIFO head while the head is complete. Stream thread only. */
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
        while (!fifo.isEmpty() && fifo.firstEntry().getValue().completion != null) {
            Slot head = fifo.pollFirstEntry().getValue();
            forward(head.input, head.completion, now);
            pending.delete(head.input.offset());
        }
    }

    private void forward(PendingInput input, Completion<Long> completion, long now) {
        if (completion.isTranslated()) {
            context.forward(new Record<>(input.key(), records.translation(input, completion.result(),
                    completion.timings(), now - input.receivedAtMs()), input.timestamp()), sinks.translations());
            context.forward(new Record<>(input.key(), records.alignment(input, completion.result()),
                    input.timestamp()), sinks.alignments());
        } else {
            LOG.info("offset {} failed: {}", input.offset(), completion.error().getMessage());
            context.forward(new Record<>(input.key(), DeadLetters.of(input, completion.error(), now),
                    input.timestamp()), sinks.deadLetters());
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata where, ErrorClass errorClass,
                            String reason, long now) {
        LOG.info("dead-lettering {}-{}@{}: {} {}", where.topic(), where.partition(), where.offset(), errorClass,
                reason);
        context.forward(new Record<>(record.key(), DeadLetters.of(record.key(), record.value(), where.topic(),
                where.partition(), where.offset(), record.timestamp(), errorClass, reason, now),
                record.timestamp()), sinks.deadLetters());
    }

    @Override
    public void close() {
        // late completions go into a queue nobody drains; the library closes the store, entries stay pending
        completions = new ConcurrentLinkedQueue<>();
        fifo.clear();
    }
}
