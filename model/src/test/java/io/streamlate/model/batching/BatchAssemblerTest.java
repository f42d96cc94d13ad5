package io.streamlate.model.batching;

import io.streamlate.model.batching.BatchAssembler.Batch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The closing rules alone, with explicit times: exact and deterministic. */
class BatchAssemblerTest {

    private static final long MS = 1_000_000;

    private static BatchAssembler<String, String> assembler(int sentences, int tokens, long delayMs) {
        return new BatchAssembler<>(BatchPolicy.DEFAULT.withMaxSentences(sentences).withMaxTokens(tokens)
                .withMaxDelay(Duration.ofMillis(delayMs)));
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
