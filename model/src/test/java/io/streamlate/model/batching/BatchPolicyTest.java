package io.streamlate.model.batching;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchPolicyTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(BatchPolicy.DEFAULT).isEqualTo(new BatchPolicy(64, 4096, Duration.ofMillis(20), 256, 2, 128));
        assertThat(BatchPolicy.DEFAULT.sortsByLength()).isTrue();
        assertThat(BatchPolicy.DEFAULT.withSortWindow(64).sortsByLength()).as("a window of one batch").isFalse();
    }

    @Test
    void eachBadFieldIsNamedWithItsBound() {
        BatchPolicy p = BatchPolicy.DEFAULT;
        assertThatThrownBy(() -> p.withMaxSentences(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BatchPolicy.maxSentences is 0, must be between 1 and 4096");
        assertThatThrownBy(() -> p.withMaxTokens(0)).hasMessage("BatchPolicy.maxTokens is 0, must be at least 1");
        assertThatThrownBy(() -> p.withMaxDelay(Duration.ofMillis(-1)))
                .hasMessage("BatchPolicy.maxDelay is PT-0.001S, must be between PT0S and PT1H");
        assertThatThrownBy(() -> p.withMaxDelay(Duration.ofHours(2))).hasMessageStartingWith("BatchPolicy.maxDelay");
        assertThatThrownBy(() -> p.withMaxDelay(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("maxDelay");
        assertThatThrownBy(() -> p.withMaxQueued(63))
                .hasMessage("BatchPolicy.maxQueued is 63, must be at least maxSentences (64)");
        assertThatThrownBy(() -> p.withWorkers(0)).hasMessage("BatchPolicy.workers is 0, must be between 1 and 64");
        assertThatThrownBy(() -> p.withSortWindow(257))
                .hasMessage("BatchPolicy.sortWindow is 257, must be between 0 and maxQueued (256)");
        assertThat(p.withMaxQueued(100).sortWindow()).as("lowered with the queue").isEqualTo(100);
    }

    @Test
    void zeroDelayIsAllowedAndRaisingTheSizeRaisesTheQueue() {
        assertThat(BatchPolicy.DEFAULT.withMaxDelay(Duration.ZERO).maxDelay()).isZero();
        assertThat(BatchPolicy.DEFAULT.withMaxSentences(512).maxQueued()).isEqualTo(512);
        assertThat(BatchPolicy.DEFAULT.withMaxSentences(8).maxQueued()).isEqualTo(256);
    }
}
