package io.streamlate.schemas.registry;

import java.time.Duration;

/**
 * How often and how patiently a registry request is retried after an IO error, a 5xx or a 429: at most
 * {@code maxRetries} retries, before retry {@code n} (1-based) a wait of {@code initialWait · 2^(n-1)} capped at
 * {@code maxWait}, of which a random half is dropped ("equal jitter") so that many clients failing together do not
 * retry in lockstep.
 */
public record RetryPolicy(int maxRetries, Duration initialWait, Duration maxWait) {

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        if (initialWait.isNegative() || maxWait.compareTo(initialWait) < 0) {
            throw new IllegalArgumentException("waits must satisfy 0 <= initialWait <= maxWait, were "
                    + initialWait + " and " + maxWait);
        }
    }

    /** The wait before retry {@code retry} (1-based), given a uniform random number in [0, 1). */
    public Duration waitBefore(int retry, double random) {
        long cap = maxWait.toMillis();
        long exponential = initialWait.toMillis() << Math.min(retry - 1, 30);
        long wait = exponential < 0 || exponential > cap ? cap : exponential;
        return Duration.ofMillis(wait / 2 + (long) (random * (wait - wait / 2)));
    }
}
