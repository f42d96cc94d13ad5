package io.streamlate.topology.processing;

import io.streamlate.model.LanguagePair;
import io.streamlate.model.TranslationResult;
import io.streamlate.model.alignment.WordLink;
import io.streamlate.model.batching.BatchItem;
import io.streamlate.model.batching.Completion;
import io.streamlate.model.batching.ItemTimings;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/** A batcher stand-in: records what was offered; the test completes items when and in the order it wants. */
final class FakeSubmitter implements BatchSubmitter {

    static final LanguagePair EN_FR = new LanguagePair("en", "fr");
    static final ItemTimings TIMINGS = new ItemTimings(7, Duration.ofMillis(3), Duration.ofMillis(5), 2, 8);

    final List<BatchItem<?>> offered = new ArrayList<>();
    /** Answers of the next offers; empty = accept. */
    final Deque<Boolean> answers = new ArrayDeque<>();
    /** Runs at each refused offer (e.g. a completion arriving meanwhile). */
    Runnable onRefusal = () -> { };

    @Override
    public boolean supports(LanguagePair pair) {
        return Set.of(EN_FR).contains(pair);
    }

    @Override
    public <C> boolean offer(BatchItem<C> item, Duration timeout) {
        Boolean answer = answers.poll();
        if (answer != null && !answer) {
            onRefusal.run();
            return false;
        }
        offered.add(item);
        return true;
    }

    List<Long> offeredOffsets() {
        return offered.stream().map(item -> (Long) item.tag()).toList();
    }

    @SuppressWarnings("unchecked")
    private BatchItem<Long> item(long offset) {
        return (BatchItem<Long>) offered.stream().filter(item -> item.tag().equals(offset)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("offset " + offset + " was not offered"));
    }

    void translate(long offset) {
        BatchItem<Long> item = item(offset);
        complete(item, new Completion.Done<>(offset, item.pair(), result(item.text()), TIMINGS));
    }

    void fail(long offset, RuntimeException error) {
        BatchItem<Long> item = item(offset);
        complete(item, new Completion.Failed<>(offset, item.pair(), error, TIMINGS));
    }

    void abandon(long offset) {
        BatchItem<Long> item = item(offset);
        complete(item, new Completion.Abandoned<>(offset, item.pair()));
    }

    private static void complete(BatchItem<Long> item, Completion<Long> completion) {
        item.onComplete().accept(completion);
    }

    /** A two-word "translation" of {@code text}: the text upper-cased. */
    static TranslationResult result(String text) {
        return new TranslationResult(text.toUpperCase(), List.of("▁a", "b"), List.of("▁A", "▁B"), List.of(5, 6),
                new float[][]{{0.75f, 0.25f}, {0.5f, 0.5f}}, List.of(new WordLink(0, 0), new WordLink(0, 1)),
                List.of("ab"), List.of("A", "B"), List.of(0, 0), List.of(0, 1), -1.5, false, "fake-en-fr", "1.0");
    }
}
