package io.streamlate.topology.observability;

import java.util.List;

/** A liveness or readiness answer: healthy when every one of its checks passes. */
public record HealthVerdict(List<Check> checks) {

    public HealthVerdict {
        checks = List.copyOf(checks);
        if (checks.isEmpty()) {
            throw new IllegalArgumentException("a verdict needs at least one check");
        }
    }

    public boolean healthy() {
        return checks.stream().allMatch(Check::passing);
    }
}
