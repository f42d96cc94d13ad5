package io.streamlate.model.batching;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBudgetBatcherTest {

    @Test
    void sortsByLengthAndCutsAtTheTokenBudget() {
        // lengths by input index:    0  1  2  3  4  5
        List<Integer> lengths = List.of(5, 2, 9, 2, 4, 3);
        List<SubBatch> batches = new TokenBudgetBatcher(12, 10).plan(lengths);

        // sorted: 1(2) 3(2) 5(3) 4(4) 0(5) 2(9); 4 x 3 = 12 fits, adding 0 would cost 5 x 4 = 20
        assertThat(batches).extracting(SubBatch::indices)
                .containsExactly(List.of(1, 3, 5), List.of(4, 0), List.of(2));
        assertThat(batches).extracting(SubBatch::maxLength).containsExactly(3, 5, 9);
        assertThat(batches).allSatisfy(b -> assertThat(new BatchCost(b.maxLength(), b.size()).paddedTokens()).isLessThanOrEqualTo(12));
    }

    @Test
    void capsSentencesPerBatch() {
        List<SubBatch> batches = new TokenBudgetBatcher(1000, 2).plan(List.of(1, 1, 1, 1, 1));

        assertThat(batches).extracting(SubBatch::indices)
                .containsExactly(List.of(0, 1), List.of(2, 3), List.of(4));
    }

    @Test
    void sentenceOverTheBudgetGetsItsOwnBatch() {
        List<SubBatch> batches = new TokenBudgetBatcher(10, 8).plan(List.of(3, 40, 3));

        assertThat(batches).extracting(SubBatch::indices).containsExactly(List.of(0, 2), List.of(1));
    }

    @Test
    void everyIndexAppearsExactlyOnceSoOrderCanBeRestored() {
        List<Integer> lengths = List.of(7, 1, 7, 3, 3, 12, 1, 5);
        List<Integer> covered = new TokenBudgetBatcher(16, 3).plan(lengths).stream()
                .flatMap(b -> b.indices().stream()).toList();

        assertThat(covered).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
        // equal lengths keep input order (stable sort): 1 before 6, 3 before 4, 0 before 2
        assertThat(covered).containsSubsequence(1, 6).containsSubsequence(3, 4).containsSubsequence(0, 2);
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatThrownBy(() -> new TokenBudgetBatcher(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
