package io.streamlate.model.batching;

import io.streamlate.model.batching.BatchAssembler.Batch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The closing rules alone, with explicit times: exact and deterministic. */
class BatchAssemblerTest {

    private static final long MS = 1_000_000;

    /** In arrival order. */
    private static BatchAssembler<String, String> assembler(int sentences, int tokens, long delayMs) {
        return new BatchAssembler<>(BatchPolicy.DEFAULT.withMaxSentences(sentences).withMaxTokens(tokens)
                .withMaxDelay(Duration.ofMillis(delayMs)).withSortWindow(0));
    }

    /** With a length-ordered window of {@code window} items. */
    private static BatchAssembler<String, String> sorting(int sentences, int tokens, long delayMs, int window) {
        return new BatchAssembler<>(BatchPolicy.DEFAULT.withMaxSentences(sentences).withMaxTokens(tokens)
                .withMaxDelay(Duration.ofMillis(delayMs)).withSortWindow(window));
    }

    @Test
    void aFullWindowIsCutInLengthOrder() {
        BatchAssembler<String, String> a = sorting(2, 1000, 20, 4);
        a.add("p", "five", 5, 0);
        a.add("p", "one", 1, 0);
        a.add("p", "four", 4, 0);

        List<Batch<String, String>> closed = a.add("p", "two", 2, 0);

        assertThat(closed).extracting(Batch::items).containsExactly(List.of("one", "two"), List.of("four", "five"));
        assertThat(closed).extracting(Batch::reason).containsOnly(CloseReason.SENTENCES);
        assertThat(closed).extracting(Batch::paddedTokens).containsExactly(4, 10); // arrival order: 10 and 8
        assertThat(a.nanosUntilNextDeadline(0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theUnfilledLastBatchWaitsInTheWindowUntilItsOldestItemsDeadline() {
        BatchAssembler<String, String> a = sorting(3, 1000, 20, 4);
        a.add("p", "five", 5, 0);
        a.add("p", "one", 1, 2 * MS);
        a.add("p", "four", 4, 4 * MS);

        assertThat(a.add("p", "two", 2, 6 * MS)).singleElement()
                .satisfies(b -> assertThat(b.items()).containsExactly("one", "two", "four"));
        assertThat(a.nanosUntilNextDeadline(6 * MS)).as("'five' has waited since 0").isEqualTo(14 * MS);
        assertThat(a.closeExpired(20 * MS)).singleElement().satisfies(b -> {
            assertThat(b.items()).containsExactly("five");
            assertThat(b.reason()).isEqualTo(CloseReason.DELAY);
        });
    }

    @Test
    void aWindowIsCutByTheTokenBudgetToo() {
        BatchAssembler<String, String> a = sorting(3, 8, 20, 4);
        a.add("p", "a", 4, 0);
        a.add("p", "b", 1, 0);
        a.add("p", "c", 4, 0);

        List<Batch<String, String>> closed = a.add("p", "d", 1, 0);

        assertThat(closed).extracting(Batch::items).containsExactly(List.of("b", "d"), List.of("a", "c"));
        assertThat(closed).extracting(Batch::reason).containsOnly(CloseReason.TOKENS);
        assertThat(closed).extracting(Batch::sourceTokens).containsExactly(2, 8);
    }

    @Test
    void atItsDeadlineOrAtShutdownTheWholeWindowCloses() {
        BatchAssembler<String, String> a = sorting(2, 1000, 20, 8);
        a.add("p", "x", 3, 0);
        a.add("p", "y", 1, 5 * MS);
        a.add("p", "z", 2, 10 * MS);
        a.add("q", "other", 1, 15 * MS);

        assertThat(a.nanosUntilNextDeadline(10 * MS)).isEqualTo(10 * MS);
        assertThat(a.closeExpired(20 * MS - 1)).isEmpty();
        List<Batch<String, String>> closed = a.closeExpired(20 * MS);
        assertThat(closed).extracting(Batch::items).containsExactly(List.of("y", "z"), List.of("x"));
        assertThat(closed).extracting(Batch::reason).containsExactly(CloseReason.SENTENCES, CloseReason.DELAY);
        assertThat(a.closeAll()).singleElement().satisfies(b -> {
            assertThat(b.key()).isEqualTo("q");
            assertThat(b.reason()).isEqualTo(CloseReason.SHUTDOWN);
        });
    }

    @Test
    void aWindowNoLargerThanABatchIsArrivalOrder() {
        BatchAssembler<String, String> a = sorting(3, 1000, 20, 3);
        a.add("p", "long", 9, 0);
        a.add("p", "short", 1, 0);

        assertThat(a.add("p", "mid", 5, 0)).singleElement()
                .satisfies(b -> assertThat(b.items()).containsExactly("long", "short", "mid"));
    }

    @Test
    void closesAtMaxSentencesAsTheLastItemArrives() {
        BatchAssembler<String, String> a = assembler(3, 1000, 20);

        assertThat(a.add("en-fr", "a", 2, 0)).isEmpty();
        assertThat(a.add("en-fr", "b", 2, 0)).isEmpty();
        List<Batch<String, String>> closed = a.add("en-fr", "c", 2, 0);

        assertThat(closed).singleElement().satisfies(b -> {
            assertThat(b.items()).containsExactly("a", "b", "c");
            assertThat(b.reason()).isEqualTo(CloseReason.SENTENCES);
            assertThat(b.sourceTokens()).isEqualTo(6);
            assertThat(b.paddedTokens()).isEqualTo(6);
        });
        assertThat(a.nanosUntilNextDeadline(0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void closesBeforeAnItemThatWouldExceedTheTokenBudgetCountedAsPadded() {
        BatchAssembler<String, String> a = assembler(64, 20, 20);

        assertThat(a.add("p", "a", 4, 0)).isEmpty();
        assertThat(a.add("p", "b", 6, 0)).isEmpty(); // 6 x 2 = 12
        assertThat(a.add("p", "c", 3, 0)).isEmpty(); // 6 x 3 = 18
        List<Batch<String, String>> closed = a.add("p", "d", 5, 0); // 6 x 4 = 24 > 20, though 18 real tokens

        assertThat(closed).singleElement().satisfies(b -> {
            assertThat(b.items()).containsExactly("a", "b", "c");
            assertThat(b.reason()).isEqualTo(CloseReason.TOKENS);
            assertThat(b.sourceTokens()).isEqualTo(13);
            assertThat(b.paddedTokens()).isEqualTo(18);
        });
        assertThat(a.closeAll()).singleElement().satisfies(b -> assertThat(b.items()).containsExactly("d"));
    }

    @Test
    void anItemOverTheBudgetGoesAloneAndAtOnce() {
        BatchAssembler<String, String> a = assembler(64, 20, 20);
        a.add("p", "small", 3, 0);

        List<Batch<String, String>> closed = a.add("p", "huge", 50, 0);

        assertThat(closed).extracting(Batch::items).containsExactly(List.of("small"), List.of("huge"));
        assertThat(closed).extracting(Batch::reason).containsExactly(CloseReason.TOKENS, CloseReason.TOKENS);
        assertThat(closed.get(1).paddedTokens()).isEqualTo(50);
        assertThat(a.closeAll()).isEmpty();
    }

    @Test
    void aBatchThatExactlyFillsTheBudgetClosesWithoutWaiting() {
        BatchAssembler<String, String> a = assembler(64, 10, 20);

        assertThat(a.add("p", "a", 5, 0)).isEmpty();
        assertThat(a.add("p", "b", 5, 0)).singleElement()
                .satisfies(b -> assertThat(b.reason()).isEqualTo(CloseReason.TOKENS));
    }

    @Test
    void closesAfterMaxDelayFromItsFirstItemOldestFirst() {
        BatchAssembler<String, String> a = assembler(64, 1000, 20);
        a.add("en-fr", "a", 1, 0);
        a.add("en-de", "x", 1, 5 * MS);
        a.add("en-fr", "b", 1, 15 * MS); // joins en-fr; its deadline stays 20 ms

        assertThat(a.nanosUntilNextDeadline(15 * MS)).isEqualTo(5 * MS);
        assertThat(a.closeExpired(20 * MS - 1)).isEmpty();
        assertThat(a.closeExpired(20 * MS)).singleElement().satisfies(b -> {
            assertThat(b.key()).isEqualTo("en-fr");
            assertThat(b.items()).containsExactly("a", "b");
            assertThat(b.reason()).isEqualTo(CloseReason.DELAY);
        });
        assertThat(a.nanosUntilNextDeadline(20 * MS)).isEqualTo(5 * MS);
        assertThat(a.closeExpired(40 * MS)).extracting(Batch::items).containsExactly(List.of("x"));
        assertThat(a.nanosUntilNextDeadline(40 * MS)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void zeroDelayExpiresAtOnce() {
        BatchAssembler<String, String> a = assembler(64, 1000, 0);
        a.add("p", "a", 1, 7);

        assertThat(a.nanosUntilNextDeadline(7)).isZero();
        assertThat(a.closeExpired(7)).hasSize(1);
    }

    @Test
    void keysNeverShareABatch() {
        BatchAssembler<String, String> a = assembler(2, 1000, 20);

        assertThat(a.add("en-fr", "a", 1, 0)).isEmpty();
        assertThat(a.add("en-de", "x", 1, 0)).isEmpty();
        assertThat(a.add("en-fr", "b", 1, 0)).singleElement()
                .satisfies(b -> assertThat(b.items()).containsExactly("a", "b"));
        assertThat(a.closeAll()).singleElement().satisfies(b -> {
            assertThat(b.key()).isEqualTo("en-de");
            assertThat(b.reason()).isEqualTo(CloseReason.SHUTDOWN);
        });
    }
}
