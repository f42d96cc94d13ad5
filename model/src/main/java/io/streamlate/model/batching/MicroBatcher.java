package io.streamlate.model.batching;

import io.streamlate.model.LanguagePair;
import io.streamlate.model.TextPair;
import io.streamlate.model.Tokenized;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.TranslationOptions;
import io.streamlate.model.OutcomeSink;
import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.Translator;
import io.streamlate.model.batching.BatchAssembler.Batch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Groups inputs submitted from many threads (all stream threads and tasks of an instance) into per-model batches
 * and runs them on the engine with a few worker threads: Triton's dynamic batcher in front of
 * {@link Translator#translateTokenized} and {@link Translator#alignTokenized}, with Flink async I/O's bounded queue
 * in front of that.
 *
 * <ul>
 *   <li>Submit: the item's model is looked up and the item tokenised with it, once; what it costs in a batch is
 *   {@link Tokenized#cost()}.</li>
 *   <li>Closing rules ({@link BatchPolicy}): maxSentences, maxTokens ({@link BatchCost}: longest x inputs, an item
 *   costing more alone goes alone) and maxDelay since the batch's first item. Batches never mix pairs, nor
 *   translations with forced alignments of given translations ({@link BatchKey}); each batch is one engine run,
 *   exactly as assembled.</li>
 *   <li>Backpressure: {@link #submit} blocks, and {@link #offer} waits at most its timeout, while maxQueued items
 *   wait to be batched or for a worker; items in the engine or being completed do not count. At most
 *   maxQueued + workers x maxSentences items are held.</li>
 *   <li>Completion: every accepted item's callback is called exactly once, on a worker thread (on the submitting
 *   thread for an unknown pair, on the closing thread when abandoned), with a {@link Completion}: the result or
 *   that input's error, with its {@link ItemTimings}. A translated sentence completes as soon as its own search
 *   ends, while the longer ones of its batch decode on. An engine failure fails only its batch's items not yet
 *   completed; the worker carries on.</li>
 *   <li>Shutdown: {@link #close(Duration)} stops accepting, drains what is queued without waiting for company,
 *   and at the deadline completes the rest {@link Completion.Abandoned}; a batch still in the engine then is
 *   abandoned too and its late results are ignored (one atomic flag per item).</li>
 * </ul>
 *
 * Tests cover each closing rule deterministically (a fake ticker), pair homogeneity, backpressure and the
 * bounded offer, a failing engine, batch invariance of the results, drain and abandonment at close, worker threads
 * ending, and many concurrent submitters each getting exactly one completion per item.
 * Not supported: per-item deadlines or cancellation, priorities between pairs (ready batches run first come,
 * first served), interrupting a batch inside the engine, and recovering from a VM {@link Error} in a worker (the
 * batch's items are failed, then the worker dies).
 */
public final class MicroBatcher implements AutoCloseable {

    /** The name the worker threads' names start from unless {@link Builder#name} says otherwise. */
    public static final String DEFAULT_NAME = "streamlate-batcher";

    /** How long {@link #close()} waits for queued items before abandoning them. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);
    private static final long WORKER_EXIT_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private enum State { RUNNING, DRAINING, STOPPED }

    private final BatchPolicy policy;
    private final Function<LanguagePair, Optional<Translator>> models;
    private final Function<Translator, TranslationOptions> options;
    private final BatchListener listener;
    private final LongSupplier ticker;
    private final List<Thread> workers;

    private final ReentrantLock lock = new ReentrantLock();
    /** Submitters wait here while maxQueued items are queued. */
    private final Condition notFull = lock.newCondition();
    /** Workers wait here for a ready batch or the next deadline. */
    private final Condition workChanged = lock.newCondition();
    /** close() waits here for the queue and the engine to empty. */
    private final Condition idle = lock.newCondition();
    private final BatchAssembler<BatchKey, PendingItem<?>> assembler;
    private final Deque<Batch<BatchKey, PendingItem<?>>> ready = new ArrayDeque<>();
    private final Map<Long, Batch<BatchKey, PendingItem<?>>> inFlight = new ConcurrentHashMap<>();
    private int queued;
    private long nextBatchId;
    private volatile State state = State.RUNNING;

    private final Object closeMonitor = new Object();
    private Boolean drainedAtClose;

    private MicroBatcher(Builder builder) {
        this.policy = builder.policy;
        this.models = builder.models;
        this.options = builder.options;
        this.listener = builder.listener;
        this.ticker = builder.ticker;
        this.assembler = new BatchAssembler<>(policy);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < policy.workers(); i++) {
            Thread worker = new Thread(this::work, workerThreadPrefix(builder.name) + i);
            // a batch stuck in native code past close() must not keep the JVM alive
            worker.setDaemon(true);
            threads.add(worker);
        }
        this.workers = List.copyOf(threads);
        workers.forEach(Thread::start);
    }

    /**
     * @param models language pair to its model, e.g. {@code registry::find}; empty for an unknown pair. Looked up
     *               once per item, at submit, where the item is tokenised with that model; a model closed after
     *               that fails its batch with the engine's CLOSED
     */
    public static Builder builder(Function<LanguagePair, Optional<Translator>> models) {
        return new Builder(models);
    }

    /** The names of a batcher's worker threads, each this followed by its number. */
    public static String workerThreadPrefix(String name) {
        return name + "-worker-";
    }

    /** True when a model serves {@code pair} now. */
    public boolean supports(LanguagePair pair) {
        return models.apply(pair).isPresent();
    }

    /** Items waiting to be batched or for a worker (what maxQueued bounds); a gauge. */
    public int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** Items in batches the engine is running now; a gauge. */
    public int inFlight() {
        return inFlight.values().stream().mapToInt(Batch::size).sum();
    }

    /**
     * Queues an item, blocking while the queue is full.
     *
     * @throws IllegalStateException when the batcher is closing or closed (also if it closes while this waits)
     * @throws InterruptedException  if interrupted while waiting; the item was not queued
     */
    public <C> void submit(BatchItem<C> item) throws InterruptedException {
        enqueue(item, -1);
    }

    /**
     * Queues an item, waiting at most {@code timeout} for room: the stream thread stays under max.poll.interval.ms
     * and decides what to do when the engine cannot keep up (e.g. pause its partitions and try again later).
     *
     * @return false if the queue stayed full for {@code timeout}; the item was not queued
     * @throws IllegalStateException when the batcher is closing or closed
     * @throws InterruptedException  if interrupted while waiting; the item was not queued
     */
    public <C> boolean offer(BatchItem<C> item, Duration timeout) throws InterruptedException {
        return enqueue(item, Math.max(0, timeout.toNanos()));
    }

    /** @param timeoutNanos negative = wait as long as it takes */
    private <C> boolean enqueue(BatchItem<C> item, long timeoutNanos) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        checkAccepting();
        PendingItem<C> pending;
        try {
            Translator translator = models.apply(item.pair()).orElseThrow(() -> new TranslationException(
                    Reason.UNSUPPORTED_LANGUAGE_PAIR, "no model for " + item.pair()));
            Tokenized input = item.aligns() ? translator.tokenize(new TextPair(item.text(), item.given()))
                    : translator.tokenize(item.text());
            pending = new PendingItem<>(item, translator, input, ticker.getAsLong());
        } catch (RuntimeException e) {
            // accepted and completed at once: every item that submit accepts gets exactly one completion
            new PendingItem<>(item, null, null, ticker.getAsLong()).fail(e, ItemTimings.NONE);
            return true;
        }
        boolean timedOut;
        lock.lockInterruptibly();
        try {
            long remaining = timeoutNanos;
            while (state == State.RUNNING && queued >= policy.maxQueued()) {
                if (timeoutNanos < 0) {
                    notFull.await();
                } else if (remaining <= 0) {
                    break;
                } else {
                    remaining = notFull.awaitNanos(remaining);
                }
            }
            checkAccepting();
            timedOut = queued >= policy.maxQueued();
            if (!timedOut) {
                long now = ticker.getAsLong();
                ready.addAll(assembler.add(item.key(), pending, pending.input.cost(), now));
                queued++;
                // a new ready batch, or a new open batch whose deadline a waiting worker must know about
                workChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (timedOut) {
            try {
                listener.offerTimedOut(item.pair());
            } catch (RuntimeException e) {
                LOG.warn("batch listener threw; ignored", e);
            }
        }
        return !timedOut;
    }

    private void checkAccepting() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("the micro-batcher is " + (state == State.DRAINING ? "closing" : "closed")
                    + " and accepts no more items");
        }
    }

    private void work() {
        while (true) {
            long batchId;
            long startNanos;
            Batch<BatchKey, PendingItem<?>> batch;
            lock.lock();
            try {
                batch = nextBatch();
                if (batch == null) {
                    return;
                }
                queued -= batch.size();
                notFull.signalAll();
                batchId = nextBatchId++;
                startNanos = ticker.getAsLong();
                inFlight.put(batchId, batch);
            } finally {
                lock.unlock();
            }
            try {
                run(batchId, batch, startNanos);
            } finally {
                lock.lock();
                try {
                    inFlight.remove(batchId);
                    if (queued == 0 && inFlight.isEmpty()) {
                        idle.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Under the lock: the next batch to run, waiting for one; null once stopped. */
    private Batch<BatchKey, PendingItem<?>> nextBatch() {
        while (state != State.STOPPED) {
            ready.addAll(assembler.closeExpired(ticker.getAsLong()));
            Batch<BatchKey, PendingItem<?>> batch = ready.poll();
            if (batch != null) {
                return batch;
            }
            long wait = assembler.nanosUntilNextDeadline(ticker.getAsLong());
            try {
                if (wait == Long.MAX_VALUE) {
                    workChanged.await();
                } else {
                    workChanged.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                // only close() stops a worker; an interrupt from elsewhere is ignored
            }
        }
        return null;
    }

    private void run(long batchId, Batch<BatchKey, PendingItem<?>> batch, long startNanos) {
        List<PendingItem<?>> items = batch.items();
        BatchCompletion completion = new BatchCompletion(batchId, batch, startNanos);
        TranslationException batchError = null;
        Error fatal = null;
        try {
            // one model per key: every item of the batch was tokenised by it
            Translator translator = items.get(0).translator;
            TranslationOptions batchOptions = options.apply(translator);
            if (batch.key().aligns()) {
                translator.alignTokenized(items.stream().map(i -> (Tokenized.Pair) i.input).toList(), batchOptions,
                        completion);
            } else {
                translator.translateTokenized(items.stream().map(i -> (Tokenized.Sentence) i.input).toList(),
                        batchOptions, completion);
            }
            completion.checkAllAnswered();
        } catch (TranslationException e) {
            batchError = e;
        } catch (RuntimeException | Error e) {
            batchError = new TranslationException(Reason.INFERENCE_FAILED, "batch " + batchId + " (" + items.size()
                    + " " + batch.key() + " sentences) failed: " + e, e);
            fatal = e instanceof Error error ? error : null;
        }
        long endNanos = ticker.getAsLong();
        if (batchError != null) {
            completion.failUnanswered(batchError);
            LOG.warn("batch {} of {} {} sentences failed", batchId, items.size(), batch.key(), batchError);
        }
        report(new BatchReport(batchId, batch.key().pair(), batch.reason(), items.size(), batch.sourceTokens(),
                batch.paddedTokens(), Duration.ofNanos(startNanos - items.get(0).submittedNanos),
                Duration.ofNanos(endNanos - startNanos), completion.translated, completion.targetTokens));
        if (fatal != null) {
            throw fatal;
        }
    }

    /**
     * Completes a running batch's items as the engine answers each (a sentence when its own search ends), with its
     * timings up to that moment; worker thread only.
     */
    private final class BatchCompletion implements OutcomeSink {
        private final long batchId;
        private final Batch<BatchKey, PendingItem<?>> batch;
        private final long startNanos;
        private final boolean[] answered;
        int translated;
        int targetTokens;

        BatchCompletion(long batchId, Batch<BatchKey, PendingItem<?>> batch, long startNanos) {
            this.batchId = batchId;
            this.batch = batch;
            this.startNanos = startNanos;
            this.answered = new boolean[batch.size()];
        }

        @Override
        public void accept(int input, TranslationOutcome outcome) {
            if (answered[input]) {
                throw new IllegalStateException("the engine answered sentence " + input + " twice");
            }
            answered[input] = true;
            PendingItem<?> item = batch.items().get(input);
            ItemTimings timings = timings(item);
            if (!outcome.isSuccess()) {
                item.fail(outcome.error(), timings);
            } else if (item.done(outcome.result(), timings)) {
                translated++;
                targetTokens += outcome.result().targetPieces().size();
            }
        }

        void checkAllAnswered() {
            for (int i = 0; i < answered.length; i++) {
                if (!answered[i]) {
                    throw new IllegalStateException("the engine returned without an outcome for sentence " + i
                            + " of " + answered.length);
                }
            }
        }

        void failUnanswered(TranslationException error) {
            for (int i = 0; i < answered.length; i++) {
                if (!answered[i]) {
                    answered[i] = true;
                    PendingItem<?> item = batch.items().get(i);
                    item.fail(error, timings(item));
                }
            }
        }

        private ItemTimings timings(PendingItem<?> item) {
            return new ItemTimings(batchId, Duration.ofNanos(startNanos - item.submittedNanos),
                    Duration.ofNanos(ticker.getAsLong() - startNanos), batch.size(), batch.paddedTokens());
        }
    }

    private void report(BatchReport report) {
        try {
            listener.batchCompleted(report);
        } catch (RuntimeException e) {
            LOG.warn("batch listener threw; ignored", e);
        }
    }

    /** Closes with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Stops accepting items (waiting submitters get IllegalStateException), runs what is queued without waiting
     * for company, and once {@code timeout} has passed completes whatever is left, queued or still in the engine,
     * as ABANDONED. Then the worker threads end. Idempotent; later calls return the first call's answer.
     *
     * @return true if every item was translated or failed, false if some were abandoned
     */
    public boolean close(Duration timeout) {
        synchronized (closeMonitor) {
            if (drainedAtClose != null) {
                return drainedAtClose;
            }
            long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
            boolean interrupted = false;
            List<PendingItem<?>> left = new ArrayList<>();
            boolean drained;
            lock.lock();
            try {
                state = State.DRAINING;
                ready.addAll(assembler.closeAll());
                notFull.signalAll();
                workChanged.signalAll();
                while ((queued > 0 || !inFlight.isEmpty()) && !interrupted) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        break;
                    }
                    try {
                        idle.awaitNanos(remaining);
                    } catch (InterruptedException e) {
                        interrupted = true; // abandon now, keep the flag for the caller
                    }
                }
                drained = queued == 0 && inFlight.isEmpty();
                ready.forEach(batch -> left.addAll(batch.items()));
                ready.clear();
                queued = 0;
                inFlight.values().forEach(batch -> left.addAll(batch.items()));
                state = State.STOPPED;
                workChanged.signalAll();
            } finally {
                lock.unlock();
            }
            int abandoned = abandon(left);
            joinWorkers(deadline);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            drainedAtClose = drained && abandoned == 0;
            return drainedAtClose;
        }
    }

    private int abandon(List<PendingItem<?>> items) {
        int abandoned = 0;
        for (PendingItem<?> item : items) {
            abandoned += item.abandon() ? 1 : 0;
        }
        if (abandoned > 0) {
            LOG.warn("abandoned {} items at shutdown; they stay pending and are re-submitted after restart",
                    abandoned);
            try {
                listener.abandoned(abandoned);
            } catch (RuntimeException e) {
                LOG.warn("batch listener threw; ignored", e);
            }
        }
        return abandoned;
    }

    private void joinWorkers(long deadline) {
        for (Thread worker : workers) {
            long wait = Math.max(deadline - System.nanoTime(), WORKER_EXIT_GRACE_NANOS);
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (worker.isAlive()) {
                LOG.warn("{} is still inside the engine; it ends when that call returns", worker.getName());
            }
        }
    }

    /** Configures a {@link MicroBatcher}; {@link #build()} starts its worker threads. */
    public static final class Builder {

        private final Function<LanguagePair, Optional<Translator>> models;
        private BatchPolicy policy = BatchPolicy.DEFAULT;
        private Function<Translator, TranslationOptions> options = Translator::defaultOptions;
        private BatchListener listener = BatchListener.NONE;
        private LongSupplier ticker = System::nanoTime;
        private String name = DEFAULT_NAME;

        private Builder(Function<LanguagePair, Optional<Translator>> models) {
            this.models = Objects.requireNonNull(models, "models");
        }

        public Builder policy(BatchPolicy value) {
            policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /**
         * Decoding options per model, asked when each batch starts; default the manifest's
         * ({@link Translator#defaultOptions()}). Their batch limits do not apply: each batch is one engine run.
         */
        public Builder options(Function<Translator, TranslationOptions> value) {
            options = Objects.requireNonNull(value, "options");
            return this;
        }

        public Builder listener(BatchListener value) {
            listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** The clock of maxDelay and of the timings, in nanoseconds; default System::nanoTime (tests: a fake). */
        public Builder ticker(LongSupplier value) {
            ticker = Objects.requireNonNull(value, "ticker");
            return this;
        }

        /** What the worker threads' names start from ({@link #workerThreadPrefix}); default {@link #DEFAULT_NAME}. */
        public Builder name(String value) {
            name = Objects.requireNonNull(value, "name");
            return this;
        }

        public MicroBatcher build() {
            return new MicroBatcher(this);
        }
    }
}
