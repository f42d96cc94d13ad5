package io.streamlate.topology.processing;

import io.streamlate.model.batching.BatchItem;
import io.streamlate.model.batching.Completion;
import io.streamlate.topology.config.TopologyConfig;
import io.streamlate.topology.processing.OrderedQueue.Slot;
import org.apache.avro.specific.SpecificRecord;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Translates one task's sentence events through the shared micro-batcher and forwards the results in input order
 * per key ({@link TopologyConfig#outputOrder()}: per record key by default, or per partition).
 * An event that carries a given translation is force-aligned with it instead; it follows the same path, order,
 * delivery and dead-letter rules, and its outputs say the translation was given.
 *
 * <ul>
 *   <li>{@link #process}: reads the value ({@link InputReader}: undecodable or invalid → dead letter at once, with
 *   the bytes as read); a valid input goes into the pending store under its offset and into the task's
 *   {@link OrderedQueue}, whose waiting line is then offered to the batcher in order. process() waits for room at
 *   most {@link TopologyConfig#offerMaxBlock()} in all (forwarding completed items between bounded tries), so
 *   it returns well within {@code max.poll.interval.ms}; what still waits then is offered by the punctuator.</li>
 *   <li>A value that cannot be decoded because the schema registry failed (not the payload's fault) waits
 *   undecoded in the line, and the inputs behind it wait too; it is read again once the registry is available
 *   ({@code registryAvailable}, the instance's one registry-health view), so nothing is lost or reordered while the
 *   registry is down. The listener hears of each failure.</li>
 *   <li>Completions arrive on worker threads and only enter the queue's sink. A wall-clock punctuator forwards
 *   every resolved input that no unresolved input of its key precedes: Translation + Alignment, or a dead letter,
 *   each followed by deleting its pending entry. {@link Completion.Abandoned} (batcher shutdown) is not forwarded:
 *   the input stays pending. A commit is asked for after forwarding, spaced by {@link CommitPacer}.</li>
 *   <li>{@link #init}: every pending entry goes back into the queue in offset order, undecoded (the store keeps
 *   bytes only); the punctuator reads and submits them.</li>
 * </ul>
 *
 * Outputs keep the input key and timestamp. Dead letters of inputs rejected on arrival leave at once, before the
 * outputs of earlier inputs still translating.
 */
public final class TranslationProcessor implements Processor<byte[], byte[], byte[], SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(TranslationProcessor.class);

    /** Names of the children the processor forwards to. */
    public record Sinks(String translations, String alignments, String deadLetters) {
    }

    /** What became of one attempt to move the head of the waiting line into the batcher. */
    private enum Admission {
        /** taken by the batcher, or found invalid (its dead letter is forwarded in turn) */
        LEFT_LINE,
        /** the batcher had no room within the try's timeout */
        NO_ROOM,
        /** still undecoded: its schema is being looked up, or the registry failed and has not answered since */
        AWAITING_REGISTRY
    }

    private final TopologyConfig config;
    private final BatchSubmitter batcher;
    private final InputReader reader;
    private final TranslationRecords records;
    private final Sinks sinks;
    private final ProcessingListener listener;
    private final BooleanSupplier registryAvailable;
    private final LongSupplier nanoTime;
    private final OrderedQueue<Completion<Long>> queue;

    private final CommitPacer commits;

    private ProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<Long, PendingInput> pending;
    private Outputs outputs;
    /** Outputs were forwarded and no commit has been asked for since. */
    private boolean uncommitted;

    /**
     * @param reader            reads each input's bytes
     * @param registryAvailable false while the registry is known to fail (reported or probed): undecoded inputs
     *                          are not read again until it turns true
     * @param commits           spaces the commits asked for on output (shared by the instance's tasks)
     * @param nanoTime          the clock that bounds process()'s wait (tests shorten it)
     */
    public TranslationProcessor(TopologyConfig config, BatchSubmitter batcher, InputReader reader,
                                TranslationRecords records, Sinks sinks, ProcessingListener listener,
                                BooleanSupplier registryAvailable, CommitPacer commits, LongSupplier nanoTime) {
        this.config = Objects.requireNonNull(config, "config");
        this.batcher = Objects.requireNonNull(batcher, "batcher");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.records = Objects.requireNonNull(records, "records");
        this.sinks = Objects.requireNonNull(sinks, "sinks");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.registryAvailable = Objects.requireNonNull(registryAvailable, "registryAvailable");
        this.commits = Objects.requireNonNull(commits, "commits");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.queue = new OrderedQueue<>(Completion::tag, config.outputOrder());
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        this.pending = context.getStateStore(config.pendingStoreName());
        this.outputs = new Outputs(context, records, sinks, listener);
        release();
        List<PendingInput> restored = new ArrayList<>();
        try (KeyValueIterator<Long, PendingInput> all = pending.all()) {
            all.forEachRemaining(entry -> restored.add(entry.value));
        }
        if (!restored.isEmpty()) {
            LOG.info("task {}: re-submitting {} pending inputs from offset {}", context.taskId(), restored.size(),
                    restored.get(0).offset());
        }
        restored.forEach(this::enqueue);
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, now -> punctuate());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata where = context.recordMetadata().orElseThrow(() -> new IllegalStateException(
                "a record without topic, partition and offset reached the translation processor"));
        if (queue.contains(where.offset())) {
            // already pending (restored from the changelog and re-read after a crash without exactly-once)
            return;
        }
        PendingInput raw = PendingInput.undecoded(record.key(), record.value(), where.topic(), where.partition(),
                where.offset(), record.timestamp(), context.currentSystemTimeMs());
        Reading reading = read(raw);
        if (reading instanceof Reading.Rejected rejected) {
            outputs.rejected(raw, rejected);
            return;
        }
        pending.put(raw.offset(), raw);
        enqueue(reading instanceof Reading.Decoded decoded ? decoded.input() : raw);
        offerWaiting(true);
    }

    private void enqueue(PendingInput input) {
        queue.append(input);
        listener.pendingChanged(1);
    }

    /**
     * The wall-clock punctuator: forwards what completed, then offers what waits without blocking, then forwards
     * again (a waiting input found invalid late resolves at once).
     */
    void punctuate() {
        forwardCompleted();
        if (queue.waiting() > 0) {
            offerWaiting(false);
            forwardCompleted();
        }
    }

    /**
     * Offers the waiting line to the batcher in order. With {@code block}, waits for room up to
     * {@link TopologyConfig#offerMaxBlock()} in all, in tries of at most {@link TopologyConfig#offerTimeout()},
     * forwarding completed head items between tries; without, makes one try per input and stops at the first
     * refusal. An undecoded head stops the line until the registry is available again.
     */
    private void offerWaiting(boolean block) {
        long deadline = nanoTime.getAsLong() + (block ? config.offerMaxBlock().toNanos() : 0);
        for (Slot<Completion<Long>> head = queue.headWaiting(); head != null; head = queue.headWaiting()) {
            Admission admission;
            try {
                admission = admit(head, tryTimeout(deadline));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StreamsException("interrupted while offering offset " + head.input.offset()
                        + " to the batcher", e);
            } catch (IllegalStateException e) {
                // the batcher is closing: the inputs stay pending and are re-submitted after restart
                RecordLog.about(LOG.atWarn(), head.input).log("not submitted, stays pending: {}", e.getMessage());
                return;
            }
            if (admission == Admission.LEFT_LINE) {
                queue.leaveLine();
                continue;
            }
            if (admission == Admission.AWAITING_REGISTRY || nanoTime.getAsLong() - deadline >= 0) {
                LOG.debug("{} inputs wait for the {} from offset {}", queue.waiting(),
                        admission == Admission.AWAITING_REGISTRY ? "schema registry" : "batcher", head.input.offset());
                return;
            }
            forwardCompleted();
        }
    }

    private Duration tryTimeout(long deadlineNanos) {
        long left = deadlineNanos - nanoTime.getAsLong();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(Math.min(left, config.offerTimeout().toNanos()));
    }

    /** Reads the slot's input if it is still undecoded (only while the registry is available), then offers it. */
    private Admission admit(Slot<Completion<Long>> slot, Duration timeout) throws InterruptedException {
        if (!slot.input.decoded()) {
            if (!registryAvailable.getAsBoolean()) {
                return Admission.AWAITING_REGISTRY;
            }
            Reading reading = read(slot.input);
            if (reading instanceof Reading.Rejected rejected) {
                slot.rejection = rejected;
                return Admission.LEFT_LINE;
            }
            if (!(reading instanceof Reading.Decoded decoded)) {
                return Admission.AWAITING_REGISTRY; // the registry failed, or the schema is still being looked up
            }
            slot.input = decoded.input();
        }
        PendingInput input = slot.input;
        BatchItem<Long> item = new BatchItem<>(input.offset(), input.pair(), input.event().getText(),
                input.event().getTranslation(), queue.sink());
        return batcher.offer(item, timeout) ? Admission.LEFT_LINE : Admission.NO_ROOM;
    }

    /** Reads a raw input; reports a registry failure to the listener. */
    private Reading read(PendingInput raw) {
        Reading reading = reader.read(raw);
        if (reading instanceof Reading.RegistryDown down) {
            RecordLog.about(LOG.atWarn(), raw).log("waits undecoded: the schema registry failed: {}",
                    down.error().getMessage());
            listener.registryFailed(down.error());
        }
        return reading;
    }

    /** Forwards every resolved input that no unresolved one of its order key precedes. Stream thread only. */
    void forwardCompleted() {
        queue.drainCompletions(completion -> {
            boolean abandoned = completion instanceof Completion.Abandoned;
            if (abandoned) {
                LOG.debug("offset {} abandoned by the batcher; it stays pending", completion.tag());
            }
            return abandoned;
        });
        List<Slot<Completion<Long>>> released = queue.pollReleasable();
        for (Slot<Completion<Long>> slot : released) {
            if (slot.rejection != null) {
                outputs.rejected(slot.input, slot.rejection);
            } else {
                outputs.completed(slot.input, slot.completion);
            }
            pending.delete(slot.input.offset());
            listener.pendingChanged(-1);
        }
        uncommitted |= !released.isEmpty();
        if (uncommitted && config.commitOnOutput() && commits.tryAsk()) {
            // Under exactly_once_v2 outputs are invisible to read_committed consumers until their transaction
            // commits; waiting for commit.interval.ms would add up to that much to every output's latency.
            context.commit();
            uncommitted = false;
        }
    }

    @Override
    public void close() {
        // late completions go into a queue nobody drains; the library closes the store, entries stay pending
        release();
    }

    private void release() {
        if (queue.size() > 0) {
            listener.pendingChanged(-queue.size());
        }
        queue.reset();
    }
}
