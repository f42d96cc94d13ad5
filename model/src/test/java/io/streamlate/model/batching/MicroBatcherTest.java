package io.streamlate.model.batching;

import io.streamlate.model.Await;
import io.streamlate.model.LanguagePair;
import io.streamlate.model.TestModels;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationResult;
import io.streamlate.model.Translator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The batcher on the real engine (the tiny fixture). Closing rules run on a fake ticker that only the test moves,
 * so which items share a batch is decided by the test, never by scheduling; wall time appears only as generous
 * upper bounds on waits for completions.
 */
class MicroBatcherTest {

    private static final LanguagePair EN_FR = new LanguagePair("en", "fr");
    /** The same tiny model loaded a second time, registered under another pair. */
    private static final LanguagePair EN_XX = new LanguagePair("en", "xx");
    private static final LanguagePair EN_BROKEN = new LanguagePair("en", "broken");
    private static final List<String> SENTENCES = List.of("Open the file in a new window.", "Save",
            "The quick brown fox jumps over the lazy dog.", "Could not connect to the server.", "I love you.");
    private static final Duration LONG_WAIT = Duration.ofSeconds(60);
    /** Arrival order and one worker: each test says which rule closes its batches and when the worker is busy. */
    private static final BatchPolicy NEVER_BY_DELAY = BatchPolicy.DEFAULT.withMaxDelay(Duration.ofHours(1))
            .withSortWindow(0).withWorkers(1);

    private static Translator enFr;
    private static Translator enXx;
    private static Translator broken;
    private static Function<LanguagePair, Optional<Translator>> models;

    private final AtomicLong ticker = new AtomicLong();
    private final Reports reports = new Reports();
    private final List<MicroBatcher> opened = new ArrayList<>();
    private String name;

    @BeforeAll
    static void openModels() {
        enFr = TestModels.tiny();
        enXx = TestModels.tiny();
        // This model's batches fail a real way: decoding options the engine rejects (beam 0) throw from translateBatch.
        broken = TestModels.tiny();
        Map<LanguagePair, Translator> loaded = Map.of(EN_FR, enFr, EN_XX, enXx, EN_BROKEN, broken);
        models = pair -> Optional.ofNullable(loaded.get(pair));
    }

    @AfterAll
    static void closeModels() {
        broken.close();
        enXx.close();
        enFr.close();
    }

    @BeforeEach
    void name(TestInfo test) {
        name = "batcher-" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeBatchersAndCheckThreadsEnded() {
        opened.forEach(batcher -> batcher.close(Duration.ZERO));
        assertThat(workerThreads()).as("worker threads of %s", name).isEmpty();
    }

    /** Greedy decoding, the fake ticker, the recording listener. */
    private MicroBatcher batcher(BatchPolicy policy) {
        return batcher(policy, translator -> TranslationOptions.DEFAULT);
    }

    private MicroBatcher batcher(BatchPolicy policy, Function<Translator, TranslationOptions> options) {
        MicroBatcher batcher = MicroBatcher.builder(models).policy(policy).options(options)
                .listener(reports).ticker(ticker::get).name(name).build();
        opened.add(batcher);
        return batcher;
    }

    @Test
    void closesABatchAtMaxSentencesWithoutWaitingForTheDelay() throws Exception {
        MicroBatcher batcher = batcher(NEVER_BY_DELAY.withMaxSentences(3));
        Collector sink = new Collector();

        for (int i = 0; i < 7; i++) {
            batcher.submit(item(i, EN_FR, SENTENCES.get(i % SENTENCES.size()), sink));
        }
        List<Completion<Integer>> firstSix = sink.take(6);

        assertThat(byBatch(firstSix).values()).extracting(batch -> batch.stream().map(Completion::tag).toList())
                .containsExactly(List.of(0, 1, 2), List.of(3, 4, 5));
        assertThat(reports.await(2)).extracting(BatchReport::reason)
                .containsExactly(CloseReason.SENTENCES, CloseReason.SENTENCES);
        assertThat(batcher.queued()).isEqualTo(1); // item 6 waits for company: the delay never comes

        assertThat(batcher.close(LONG_WAIT)).isTrue();
        assertThat(sink.take(1)).singleElement().satisfies(c -> {
            assertThat(c.tag()).isEqualTo(6);
            assertThat(status(c)).isEqualTo(Status.TRANSLATED);
            assertThat(timings(c).batchSentences()).isEqualTo(1);
        });
        assertThat(reports.ordered()).extracting(BatchReport::reason).last().isEqualTo(CloseReason.SHUTDOWN);
    }

    @Test
    void closesABatchBeforeTheItemThatWouldExceedMaxTokensAndSendsAHugeItemAlone() throws Exception {
        String sentence = SENTENCES.get(0);
        String huge = String.join(" ", Collections.nCopies(20, sentence));
        int length = enFr.tokenize(sentence).cost();
        int hugeLength = enFr.tokenize(huge).cost();
        assertThat(length).isGreaterThanOrEqualTo(2);
        int budget = 2 * length + 1; // two fit, a third costs 3 x length > budget
        assertThat(hugeLength).isGreaterThan(budget);
        MicroBatcher batcher = batcher(NEVER_BY_DELAY.withMaxTokens(budget));
        Collector sink = new Collector();

        List<String> texts = List.of(sentence, sentence, sentence, huge, sentence);
        for (int i = 0; i < texts.size(); i++) {
            batcher.submit(item(i, EN_FR, texts.get(i), sink));
        }
        List<Completion<Integer>> closedByTokens = sink.take(4);
        assertThat(batcher.close(LONG_WAIT)).isTrue();
        List<Completion<Integer>> all = new ArrayList<>(closedByTokens);
        all.addAll(sink.take(1));

        assertThat(byBatch(all).values()).extracting(batch -> batch.stream().map(Completion::tag).toList())
                .containsExactly(List.of(0, 1), List.of(2), List.of(3), List.of(4));
        assertThat(reports.ordered()).extracting(BatchReport::reason).containsExactly(CloseReason.TOKENS,
                CloseReason.TOKENS, CloseReason.TOKENS, CloseReason.SHUTDOWN);
        assertThat(reports.ordered()).extracting(BatchReport::paddedTokens)
                .containsExactly(2 * length, length, hugeLength, length);
        assertThat(all).allSatisfy(c -> assertThat(status(c)).isEqualTo(Status.TRANSLATED));
        assertThat(all).filteredOn(c -> c.tag() == 3).singleElement()
                .satisfies(c -> assertThat(timings(c).batchTokens()).isEqualTo(hugeLength));
    }

    @Test
    void aSortWindowBatchesSentencesOfSimilarLengthTogether() throws Exception {
        MicroBatcher batcher = batcher(NEVER_BY_DELAY.withMaxSentences(2).withSortWindow(4));
        Collector sink = new Collector();
        String longer = "The quick brown fox jumps over the lazy dog.";

        List<String> texts = List.of(longer, "Save", longer, "Yes");
        for (int i = 0; i < texts.size(); i++) {
            batcher.submit(item(i, EN_FR, texts.get(i), sink));
        }
        List<Completion<Integer>> all = sink.take(4);

        assertThat(byBatch(all).values()).extracting(batch -> batch.stream().map(Completion::tag).sorted().toList())
                .containsExactlyInAnyOrder(List.of(1, 3), List.of(0, 2));
        assertThat(reports.await(2)).extracting(BatchReport::reason).containsOnly(CloseReason.SENTENCES);
        assertThat(all).allSatisfy(c -> assertThat(status(c)).isEqualTo(Status.TRANSLATED));
    }

    @Test
    void closesEachBatchMaxDelayAfterItsFirstItemOnTheInjectedClock() throws Exception {
        MicroBatcher batcher = batcher(BatchPolicy.DEFAULT.withMaxDelay(Duration.ofMillis(20)).withSortWindow(0));
        Collector sink = new Collector();

        batcher.submit(item(0, EN_FR, "Save", sink));
        batcher.submit(item(1, EN_FR, "I love you.", sink));
        ticker.set(ms(5));
        batcher.submit(item(2, EN_XX, "Save", sink));
        ticker.set(ms(19));
        sink.assertNothingWithin(Duration.ofMillis(150)); // real time passes, the batcher's clock does not

        ticker.set(ms(20));
        List<Completion<Integer>> first = sink.take(2);
        assertThat(first).extracting(Completion::tag).containsExactly(0, 1);
        assertThat(first).allSatisfy(c -> {
            assertThat(timings(c).batchSentences()).isEqualTo(2);
            assertThat(timings(c).queueWait()).isEqualTo(Duration.ofMillis(20));
        });
        sink.assertNothingWithin(Duration.ofMillis(150)); // en-xx's batch started at 5 ms: due at 25 ms

        ticker.set(ms(25));
        assertThat(sink.take(1)).singleElement().satisfies(c -> {
            assertThat(c.pair()).isEqualTo(EN_XX);
            assertThat(timings(c).queueWait()).isEqualTo(Duration.ofMillis(20));
        });
        assertThat(reports.await(2)).extracting(BatchReport::reason)
                .containsExactly(CloseReason.DELAY, CloseReason.DELAY);
    }

    @Test
    void batchesNeverMixLanguagePairs() throws Exception {
        MicroBatcher batcher = batcher(NEVER_BY_DELAY.withMaxSentences(3));
        Collector sink = new Collector();

        for (int i = 0; i < 12; i++) {
            batcher.submit(item(i, i % 2 == 0 ? EN_FR : EN_XX, SENTENCES.get(i % SENTENCES.size()), sink));
        }
        List<Completion<Integer>> all = sink.take(12);

        Map<Long, List<Completion<Integer>>> batches = byBatch(all);
        assertThat(batches).hasSize(4);
        assertThat(batches.values()).allSatisfy(batch -> {
            assertThat(batch).hasSize(3);
            assertThat(batch).extracting(Completion::pair).containsOnly(batch.get(0).pair());
        });
        assertThat(reports.await(4)).extracting(BatchReport::pair).containsExactlyInAnyOrder(EN_FR, EN_FR, EN_XX,
                EN_XX);
        // the same model under both pairs: the same sentence translates the same either way
        Map<String, List<Completion<Integer>>> byText = all.stream()
                .collect(Collectors.groupingBy(c -> SENTENCES.get(c.tag() % SENTENCES.size())));
        assertThat(byText.values()).allSatisfy(same -> assertThat(same).extracting(c -> result(c).targetIds())
                .containsOnly(result(same.get(0)).targetIds()));
    }

    @Test
    void resultsAreThoseOfEachSentenceTranslatedAlone() throws Exception {
        for (int beam : new int[] {1, 3}) {
            TranslationOptions options = TranslationOptions.DEFAULT.withBeamSize(beam);
            MicroBatcher batcher = batcher(NEVER_BY_DELAY, translator -> options);
            Collector sink = new Collector();
            List<String> texts = new ArrayList<>(SENTENCES);
            texts.add("   ");

            for (int i = 0; i < texts.size(); i++) {
                batcher.submit(item(i, EN_FR, texts.get(i), sink));
            }
            assertThat(batcher.close(LONG_WAIT)).isTrue();
            // completions come as each sentence's search ends: put them in submit order
            List<Completion<Integer>> all = sink.take(texts.size()).stream()
                    .sorted(Comparator.comparing(Completion::tag)).toList();

            assertThat(byBatch(all)).hasSize(1);
            for (Completion<Integer> completion : all.subList(0, SENTENCES.size())) {
                TranslationResult alone = enFr.translate(texts.get(completion.tag()), options);
                assertThat(result(completion).targetIds()).as("beam %d, sentence %d", beam, completion.tag())
                        .isEqualTo(alone.targetIds());
                assertThat(result(completion).score()).isCloseTo(alone.score(), within(1e-4));
            }
            assertThat(error(all.get(SENTENCES.size()))).isInstanceOfSatisfying(TranslationException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY_INPUT));
        }
    }

    @ParameterizedTest(name = "beam {0}")
    @ValueSource(ints = {1, 4})
    void aSentenceCompletesWhenItsOwnSearchEndsWhileItsBatchDecodesOn(int beam) throws Exception {
        TranslationOptions options = TranslationOptions.DEFAULT.withBeamSize(beam);
        MicroBatcher batcher = batcher(NEVER_BY_DELAY.withMaxSentences(2), translator -> options);
        String longText = "The quick brown fox jumps over the lazy dog.";
        assertThat(enFr.translate("Save", options).targetIds()).as("the short sentence's output is shorter")
                .hasSizeLessThan(enFr.translate(longText, options).targetIds().size());
        CountDownLatch release = new CountDownLatch(1);
        Collector shortSink = new Collector();
        Collector longSink = new Collector();

        batcher.submit(item(0, EN_FR, longText, longSink));
        // holding the short sentence's callback holds the worker inside the search, so what has completed meanwhile
        // completed before the search ended
        batcher.submit(item(1, EN_FR, "Save", completion -> {
            shortSink.accept(completion);
            awaitQuietly(release);
        }));

        assertThat(shortSink.take(1)).singleElement().satisfies(c -> assertThat(status(c))
                .isEqualTo(Status.TRANSLATED));
        longSink.assertNothingWithin(Duration.ZERO);
        assertThat(reports.ordered()).as("the batch is still running").isEmpty();
        release.countDown();
        assertThat(longSink.take(1)).singleElement().satisfies(c -> {
            assertThat(status(c)).isEqualTo(Status.TRANSLATED);
            assertThat(result(c).targetIds()).isEqualTo(enFr.translate(longText, options).targetIds());
        });
        assertThat(reports.await(1)).singleElement().satisfies(r -> {
            assertThat(r.sentences()).isEqualTo(2);
            assertThat(r.translated()).isEqualTo(2);
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(LONG_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void submitBlocksAndOfferTimesOutWhileMaxQueuedItemsWait() throws Exception {
        Gate gate = new Gate();
        MicroBatcher batcher = batcher(NEVER_BY_DELAY.withMaxSentences(2).withMaxQueued(2), gate);
        Collector sink = new Collector();
        batcher.submit(item(0, EN_FR, "Save", sink));
        batcher.submit(item(1, EN_FR, "Save", sink)); // closes [0, 1]; the worker takes it and waits at the gate
        gate.awaitEntered();
        batcher.submit(item(2, EN_FR, "Save", sink));
        batcher.submit(item(3, EN_FR, "Save", sink)); // closes [2, 3]: ready, waiting for the busy worker
        assertThat(batcher.queued()).isEqualTo(2);
        assertThat(batcher.inFlight()).isEqualTo(2);

        long start = System.nanoTime();
        assertThat(batcher.offer(item(4, EN_FR, "Save", sink), Duration.ofMillis(100))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(ms(100));
        assertThat(reports.offerTimeouts).hasValue(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread submitter = new Thread(() -> {
            try {
                batcher.submit(item(5, EN_FR, "Save", sink));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        submitter.start();
        awaitState(submitter, Thread.State.WAITING);
        assertThat(batcher.queued()).isEqualTo(2);

        gate.open();
        submitter.join(LONG_WAIT.toMillis());
        assertThat(submitter.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(batcher.close(LONG_WAIT)).isTrue();
        assertThat(sink.take(5)).extracting(Completion::tag).containsExactlyInAnyOrder(0, 1, 2, 3, 5);
        sink.assertNothingWithin(Duration.ZERO);
    }

    @Test
    void anEngineFailureFailsOnlyItsBatchAndTheWorkerCarriesOn() throws Exception {
        MicroBatcher batcher = batcher(NEVER_BY_DELAY.withMaxSentences(2),
                translator -> TranslationOptions.DEFAULT.withBeamSize(translator == broken ? 0 : 1));
        Collector sink = new Collector();

        batcher.submit(item(0, EN_FR, "Save", sink));
        batcher.submit(item(1, EN_BROKEN, "Save", sink));
        batcher.submit(item(2, EN_BROKEN, "I love you.", sink));
        batcher.submit(item(3, EN_FR, "I love you.", sink));
        List<Completion<Integer>> first = sink.take(4);
        batcher.submit(item(4, EN_FR, "Save", sink));
        batcher.submit(item(5, EN_FR, "Save", sink));
        List<Completion<Integer>> after = sink.take(2);

        assertThat(first).filteredOn(c -> c.pair().equals(EN_BROKEN)).hasSize(2).allSatisfy(c -> {
            assertThat(status(c)).isEqualTo(Status.FAILED);
            assertThat(error(c)).isInstanceOfSatisfying(TranslationException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_OPTIONS));
            assertThat(timings(c).batchSentences()).isEqualTo(2);
        });
        assertThat(first).filteredOn(c -> c.pair().equals(EN_FR))
                .allSatisfy(c -> assertThat(status(c)).isEqualTo(Status.TRANSLATED));
        assertThat(after).allSatisfy(c -> assertThat(status(c)).isEqualTo(Status.TRANSLATED));
        assertThat(reports.await(3)).extracting(BatchReport::translated).containsExactlyInAnyOrder(0, 2, 2);
        Map<Long, Integer> targetPiecesByBatch = Stream.concat(first.stream(), after.stream())
                .filter(c -> status(c) == Status.TRANSLATED)
                .collect(Collectors.groupingBy(c -> timings(c).batchId(),
                        Collectors.summingInt(c -> result(c).targetPieces().size())));
        assertThat(reports.ordered()).allSatisfy(r -> assertThat(r.targetTokens()).as("batch %d", r.batchId())
                .isEqualTo(targetPiecesByBatch.getOrDefault(r.batchId(), 0)));
        assertThat(reports.ordered()).extracting(BatchReport::targetTokens).containsOnlyOnce(0)
                .anySatisfy(tokens -> assertThat(tokens).isPositive());
    }

    @Test
    void anUnknownPairCompletesAtOnceOnTheSubmittingThread() throws Exception {
        MicroBatcher batcher = batcher(NEVER_BY_DELAY);
        AtomicReference<Thread> calledOn = new AtomicReference<>();
        AtomicReference<Completion<Integer>> completion = new AtomicReference<>();

        batcher.submit(BatchItem.translate(7, new LanguagePair("fr", "en"), "Bonjour", c -> {
            calledOn.set(Thread.currentThread());
            completion.set(c);
        }));

        assertThat(calledOn.get()).isSameAs(Thread.currentThread());
        assertThat(status(completion.get())).isEqualTo(Status.FAILED);
        assertThat(error(completion.get())).isInstanceOfSatisfying(TranslationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_LANGUAGE_PAIR));
        assertThat(timings(completion.get())).isEqualTo(ItemTimings.NONE);
        assertThat(batcher.queued()).isZero();
        assertThat(batcher.supports(new LanguagePair("fr", "en"))).isFalse();
        assertThat(batcher.supports(EN_FR)).isTrue();
    }

    @Test
    void closeDrainsWhatIsQueuedAndThenRefusesItems() throws Exception {
        MicroBatcher batcher = batcher(NEVER_BY_DELAY);
        Collector sink = new Collector();
        for (int i = 0; i < 5; i++) {
            batcher.submit(item(i, EN_FR, SENTENCES.get(i), sink));
        }

        assertThat(batcher.close(LONG_WAIT)).isTrue();

        assertThat(sink.take(5)).allSatisfy(c -> assertThat(status(c)).isEqualTo(Status.TRANSLATED));
        assertThat(reports.ordered()).extracting(BatchReport::reason).containsExactly(CloseReason.SHUTDOWN);
        assertThat(workerThreads()).isEmpty();
        assertThatThrownBy(() -> batcher.submit(item(5, EN_FR, "Save", sink)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(batcher.close(Duration.ZERO)).isTrue();
    }

    @Test
    void closeAbandonsWhatItCannotFinishInTimeAndIgnoresLateResults() throws Exception {
        Gate gate = new Gate();
        MicroBatcher batcher = batcher(NEVER_BY_DELAY.withMaxSentences(2), gate);
        Collector sink = new Collector();
        for (int i = 0; i < 5; i++) { // [0, 1] in the engine (at the gate), [2, 3] ready, [4] open
            batcher.submit(item(i, EN_FR, "Save", sink));
            if (i == 1) {
                gate.awaitEntered();
            }
        }

        long start = System.nanoTime();
        assertThat(batcher.close(Duration.ofMillis(200))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

        List<Completion<Integer>> abandoned = sink.take(5);
        assertThat(abandoned).extracting(Completion::tag).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        assertThat(abandoned).allSatisfy(c -> {
            assertThat(status(c)).isEqualTo(Status.ABANDONED);
            assertThat(c).isInstanceOf(Completion.Abandoned.class);
        });
        assertThat(reports.abandoned).hasValue(5);

        gate.open(); // the batch in the engine finishes late: its results must not complete anything again
        for (Thread worker : workerThreads()) {
            worker.join(LONG_WAIT.toMillis());
        }
        assertThat(workerThreads()).isEmpty();
        sink.assertNothingWithin(Duration.ofMillis(50));
        assertThat(reports.ordered()).singleElement().satisfies(r -> assertThat(r.translated()).isZero());
        assertThatThrownBy(() -> batcher.offer(item(9, EN_FR, "Save", sink), Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSubmitterBlockedOnAFullQueueIsRefusedWhenTheBatcherCloses() throws Exception {
        Gate gate = new Gate();
        MicroBatcher batcher = batcher(NEVER_BY_DELAY.withMaxSentences(1).withMaxQueued(1), gate);
        Collector sink = new Collector();
        batcher.submit(item(0, EN_FR, "Save", sink));
        gate.awaitEntered();
        batcher.submit(item(1, EN_FR, "Save", sink)); // queue full
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread submitter = new Thread(() -> {
            try {
                batcher.submit(item(2, EN_FR, "Save", sink));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        submitter.start();
        awaitState(submitter, Thread.State.WAITING);

        Thread closer = new Thread(() -> batcher.close(LONG_WAIT));
        closer.start();
        submitter.join(LONG_WAIT.toMillis());
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closing");

        gate.open();
        closer.join(LONG_WAIT.toMillis());
        assertThat(sink.take(2)).extracting(MicroBatcherTest::status).containsOnly(Status.TRANSLATED);
    }

    @Test
    void manyConcurrentSubmittersGetExactlyOneCompletionPerItem() throws Exception {
        BatchPolicy policy = BatchPolicy.DEFAULT.withMaxSentences(8).withMaxQueued(16).withWorkers(2)
                .withMaxDelay(Duration.ofMillis(2));
        MicroBatcher batcher = MicroBatcher.builder(models).policy(policy)
                .options(translator -> TranslationOptions.DEFAULT).listener(reports).name(name).build();
        opened.add(batcher);
        int producers = 4;
        int perProducer = 100;
        Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Completion<Integer>> completions = new ConcurrentLinkedQueue<>();
        Consumer<Completion<Integer>> sink = c -> {
            counts.computeIfAbsent(c.tag(), tag -> new AtomicInteger()).incrementAndGet();
            completions.add(c);
        };
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        int tag = producer * perProducer + i;
                        LanguagePair pair = tag % 3 == 0 ? EN_XX : EN_FR;
                        if (i % 2 == 0) {
                            batcher.submit(item(tag, pair, SENTENCES.get(tag % SENTENCES.size()), sink));
                        } else {
                            while (!batcher.offer(item(tag, pair, SENTENCES.get(tag % SENTENCES.size()), sink),
                                    Duration.ofMillis(1))) {
                                Thread.onSpinWait();
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, name + "-producer-" + p));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        }
        assertThat(failure.get()).isNull();
        assertThat(batcher.close(LONG_WAIT)).isTrue();

        assertThat(counts).hasSize(producers * perProducer);
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(completions).allSatisfy(c -> {
            assertThat(status(c)).isEqualTo(Status.TRANSLATED);
            assertThat(timings(c).queueWait().isNegative()).isFalse();
            assertThat(timings(c).inference()).isPositive();
            assertThat(timings(c).batchSentences()).isBetween(1, 8);
        });
        assertThat(byBatch(List.copyOf(completions)).values())
                .allSatisfy(batch -> assertThat(batch).extracting(Completion::pair).containsOnly(batch.get(0).pair()));
        assertThat(reports.ordered().stream().mapToInt(BatchReport::sentences).sum())
                .isEqualTo(producers * perProducer);
        assertThat(batcher.queued()).isZero();
        assertThat(batcher.inFlight()).isZero();
    }

    // --- helpers

    /** The three ways an item ends, to assert on. */
    private enum Status { TRANSLATED, FAILED, ABANDONED }

    private static Status status(Completion<?> completion) {
        return completion instanceof Completion.Done ? Status.TRANSLATED
                : completion instanceof Completion.Failed ? Status.FAILED : Status.ABANDONED;
    }

    private static ItemTimings timings(Completion<?> completion) {
        return completion instanceof Completion.Done<?> done ? done.timings()
                : completion instanceof Completion.Failed<?> failed ? failed.timings() : ItemTimings.NONE;
    }

    private static TranslationResult result(Completion<?> completion) {
        return ((Completion.Done<?>) completion).result();
    }

    private static RuntimeException error(Completion<?> completion) {
        return ((Completion.Failed<?>) completion).error();
    }

    private static BatchItem<Integer> item(int tag, LanguagePair pair, String text,
                                           Consumer<? super Completion<Integer>> sink) {
        return BatchItem.translate(tag, pair, text, sink);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Completions grouped by batch, batches in the order they ran, items in submit order. */
    private static Map<Long, List<Completion<Integer>>> byBatch(List<Completion<Integer>> completions) {
        return completions.stream().sorted(Comparator.comparing(Completion::tag))
                .collect(Collectors.groupingBy(c -> timings(c).batchId(), java.util.TreeMap::new,
                        Collectors.toList()));
    }

    private List<Thread> workerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(name + "-worker-") && t.isAlive()).toList();
    }

    private static void awaitState(Thread thread, Thread.State state) {
        Await.until(thread.getName() + " to reach " + state, LONG_WAIT, () -> thread.getState() == state);
    }

    /** Collects completions for the test thread to take. */
    private static final class Collector implements Consumer<Completion<Integer>> {
        private final LinkedBlockingQueue<Completion<Integer>> queue = new LinkedBlockingQueue<>();

        @Override
        public void accept(Completion<Integer> completion) {
            queue.add(completion);
        }

        List<Completion<Integer>> take(int count) throws InterruptedException {
            List<Completion<Integer>> taken = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Completion<Integer> next = queue.poll(LONG_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(next).as("completion %d of %d", i + 1, count).isNotNull();
                taken.add(next);
            }
            return taken;
        }

        void assertNothingWithin(Duration wait) throws InterruptedException {
            assertThat(queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        }
    }

    /** Holds the worker at batch start (asking for the options) until the test opens it. */
    private static final class Gate implements Function<Translator, TranslationOptions> {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        @Override
        public TranslationOptions apply(Translator translator) {
            entered.countDown();
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TranslationOptions.DEFAULT;
        }

        void awaitEntered() throws InterruptedException {
            assertThat(entered.await(LONG_WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }

        void open() {
            open.countDown();
        }
    }

    /** Records what the batcher reports. */
    private static final class Reports implements BatchListener {
        private final ConcurrentLinkedQueue<BatchReport> batches = new ConcurrentLinkedQueue<>();
        final AtomicInteger offerTimeouts = new AtomicInteger();
        final AtomicInteger abandoned = new AtomicInteger();

        @Override
        public void batchCompleted(BatchReport report) {
            batches.add(report);
        }

        @Override
        public void offerTimedOut(LanguagePair pair) {
            offerTimeouts.incrementAndGet();
        }

        @Override
        public void abandoned(int items) {
            abandoned.addAndGet(items);
        }

        /** Reports are made after a batch's items complete: wait for them. */
        List<BatchReport> await(int count) {
            Await.until(count + " batch reports", LONG_WAIT, () -> batches.size() >= count);
            assertThat(batches).as("batch reports").hasSize(count);
            return ordered();
        }

        List<BatchReport> ordered() {
            return batches.stream().sorted(Comparator.comparingLong(BatchReport::batchId)).toList();
        }
    }
}
