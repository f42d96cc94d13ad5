package io.streamlate.schemas.registry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000));

    @Test
    void theWaitDoublesPerRetryUpToTheCap() {
        assertThat(policy.waitBefore(1, 0.999)).isEqualTo(Duration.ofMillis(99));
        assertThat(policy.waitBefore(2, 0.999)).isEqualTo(Duration.ofMillis(199));
        assertThat(policy.waitBefore(3, 0.999)).isEqualTo(Duration.ofMillis(399));
        assertThat(policy.waitBefore(5, 0.999)).isEqualTo(Duration.ofMillis(999));
        assertThat(policy.waitBefore(60, 0.999)).as("no overflow").isEqualTo(Duration.ofMillis(999));
    }

    @Test
    void jitterDropsAtMostHalfOfTheWait() {
        assertThat(policy.waitBefore(2, 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.waitBefore(2, 0.5)).isEqualTo(Duration.ofMillis(150));
    }
}
