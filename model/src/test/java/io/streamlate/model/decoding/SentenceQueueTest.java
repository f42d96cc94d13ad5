package io.streamlate.model.decoding;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SentenceQueueTest {

    private static final int[][] SOURCES = {new int[3], new int[9], new int[5], new int[9], new int[1]};

    @Test
    void theShortestStartFirstEqualLengthsInInputOrder() {
        SentenceQueue queue = new SentenceQueue(SOURCES, BatchCapacity.all(SOURCES.length));

        assertThat(queue.take(0, 0)).containsExactly(4, 0, 2, 1, 3);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void takingStopsAtTheSentenceCountAndResumesWhereItStopped() {
        SentenceQueue queue = new SentenceQueue(SOURCES, new BatchCapacity(2, Long.MAX_VALUE));

        assertThat(queue.take(0, 0)).containsExactly(4, 0);
        assertThat(queue.take(2, 3)).as("no place left").isEmpty();
        assertThat(queue.take(1, 3)).containsExactly(2);
        assertThat(queue.take(0, 0)).containsExactly(1, 3);
    }

    @Test
    void theTokenBudgetCountsTheLongestLiveSourceForEveryRow() {
        SentenceQueue queue = new SentenceQueue(SOURCES, new BatchCapacity(5, 20));

        assertThat(queue.take(0, 0)).as("5 x 3 fits, 9 x 4 does not").containsExactly(4, 0, 2);
        assertThat(queue.take(1, 5)).as("9 x 2 beside a 5, 9 x 3 does not fit").containsExactly(1);
        assertThat(queue.take(0, 0)).containsExactly(3);
    }

    @Test
    void aSentenceOverTheBudgetStillRunsAlone() {
        SentenceQueue queue = new SentenceQueue(new int[][] {new int[50], new int[2]}, new BatchCapacity(4, 10));

        assertThat(queue.take(0, 0)).containsExactly(1);
        assertThat(queue.take(1, 2)).as("50 x 2 is over the budget").isEmpty();
        assertThat(queue.take(0, 0)).as("alone, over the budget").containsExactly(0);
    }

    @Test
    void admissionWaitsForAQuarterOfThePlacesUnlessNothingIsLive() {
        SentenceQueue queue = new SentenceQueue(new int[8][1], new BatchCapacity(8, Long.MAX_VALUE));
        queue.take(0, 0);
        SentenceQueue waiting = new SentenceQueue(new int[12][1], new BatchCapacity(8, Long.MAX_VALUE));
        waiting.take(0, 0);

        assertThat(queue.worthAdmitting(0, 0)).as("nothing waits").isFalse();
        assertThat(waiting.worthAdmitting(7, 1)).as("one place of eight free").isFalse();
        assertThat(waiting.worthAdmitting(6, 1)).as("two of eight").isTrue();
        assertThat(new SentenceQueue(new int[3][1], new BatchCapacity(2, Long.MAX_VALUE)).worthAdmitting(0, 0))
                .isTrue();
    }

    @Test
    void aCapacityNeedsAPlaceAndAToken() {
        assertThatThrownBy(() -> new BatchCapacity(0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one sentence");
        assertThatThrownBy(() -> new BatchCapacity(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BatchCapacity.all(0).sentences()).isEqualTo(1);
    }
}
