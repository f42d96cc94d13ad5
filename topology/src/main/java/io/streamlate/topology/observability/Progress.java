package io.streamlate.topology.observability;

import java.time.Duration;

/**
 * Whether the instance's outputs keep up with what it holds: stalled when inputs are pending and nothing was
 * forwarded for longer than {@code stallAfter} (a hung engine, a blocked task), which readiness reports.
 *
 * @param pending         inputs received and not yet forwarded
 * @param sinceLastOutput since the last output (translation or dead letter), or since start before the first
 */
public record Progress(int pending, Duration sinceLastOutput, Duration stallAfter) {

    boolean stalled() {
        return pending > 0 && sinceLastOutput.compareTo(stallAfter) > 0;
    }

    Check check() {
        return new Check("progress", !stalled(), pending == 0 ? "nothing pending"
                : pending + " pending, last output " + sinceLastOutput.toSeconds() + " s ago");
    }
}
