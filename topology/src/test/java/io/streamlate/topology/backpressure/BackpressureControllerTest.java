package io.streamlate.topology.backpressure;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackpressureControllerTest {

    /** Records the calls; pause/resume flip the state as Kafka Streams does. */
    private static final class RecordingSwitch implements PauseSwitch {
        final List<String> calls = new ArrayList<>();
        boolean paused;

        @Override
        public void pause() {
            calls.add("pause");
            paused = true;
        }

        @Override
        public void resume() {
            calls.add("resume");
            paused = false;
        }

        @Override
        public boolean isPaused() {
            return paused;
        }
    }

    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean registryAnswers = new AtomicBoolean(true);
    private final AtomicInteger probes = new AtomicInteger();
    private final long[] nanos = {0};
    private final RecordingSwitch streams = new RecordingSwitch();
    private final BackpressureController controller = new BackpressureController(new PausePolicy(6, 2),
            queued::get, () -> {
                probes.incrementAndGet();
                return registryAnswers.get();
            }, () -> nanos[0], Duration.ofSeconds(1));

    private void checkAt(int depth) {
        queued.set(depth);
        controller.check(streams);
    }

    @Test
    void pausesAtTheHighMarkAndResumesOnlyBelowTheLowMark() {
        checkAt(0);
        checkAt(5);
        assertThat(streams.calls).isEmpty();
        checkAt(6);
        assertThat(streams.calls).containsExactly("pause");
        assertThat(controller.reason()).isEqualTo(BackpressureController.Reason.QUEUE_FULL);
        checkAt(9);
        checkAt(4);
        checkAt(2);
        assertThat(streams.calls).as("no flapping between the marks").containsExactly("pause");
        checkAt(1);
        assertThat(streams.calls).containsExactly("pause", "resume");
        assertThat(controller.reason()).isEqualTo(BackpressureController.Reason.NONE);
        checkAt(5);
        checkAt(7);
        assertThat(streams.calls).containsExactly("pause", "resume", "pause");
        assertThat(controller.pauses()).isEqualTo(2);
        assertThat(probes).as("the registry is probed only after a failure").hasValue(0);
    }

    @Test
    void aRegistryFailurePausesUntilAProbeAnswersAtMostOncePerInterval() {
        registryAnswers.set(false);
        controller.registryFailed();
        checkAt(0);
        assertThat(streams.calls).containsExactly("pause");
        assertThat(controller.reason()).isEqualTo(BackpressureController.Reason.REGISTRY_DOWN);
        assertThat(probes).as("the first probe waits one interval").hasValue(0);
        nanos[0] += Duration.ofMillis(500).toNanos();
        checkAt(0);
        assertThat(probes).hasValue(0);
        nanos[0] += Duration.ofMillis(500).toNanos();
        checkAt(0);
        assertThat(probes).hasValue(1);
        nanos[0] += Duration.ofMillis(999).toNanos();
        checkAt(0);
        assertThat(probes).as("not probed again within the interval").hasValue(1);
        assertThat(streams.calls).containsExactly("pause");

        registryAnswers.set(true);
        nanos[0] += Duration.ofSeconds(1).toNanos();
        checkAt(0);
        assertThat(streams.calls).containsExactly("pause", "resume");
        assertThat(controller.pauses()).isEqualTo(1);
    }

    @Test
    void aRecoveredRegistryWithAFullQueueStaysPausedForTheQueue() {
        registryAnswers.set(false);
        controller.registryFailed();
        checkAt(8);
        registryAnswers.set(true);
        nanos[0] += Duration.ofSeconds(1).toNanos();
        checkAt(8);
        assertThat(controller.reason()).isEqualTo(BackpressureController.Reason.QUEUE_FULL);
        assertThat(streams.calls).containsExactly("pause");
        checkAt(0);
        assertThat(streams.calls).containsExactly("pause", "resume");
    }

    @Test
    void theTimerThreadPausesARealSwitch() throws InterruptedException {
        queued.set(10);
        controller.start(streams);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!streams.calls.contains("pause") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        } finally {
            controller.close();
        }
        assertThat(streams.calls).startsWith("pause");
    }

    @Test
    void policiesAreValidated() {
        assertThat(PausePolicy.forQueue(256)).isEqualTo(new PausePolicy(192, 64));
        assertThat(PausePolicy.forQueue(2)).isEqualTo(new PausePolicy(2, 1));
        assertThatThrownBy(() -> new PausePolicy(4, 4)).hasMessageContaining("resumeBelowQueued 4");
        assertThatThrownBy(() -> new PausePolicy(4, 0)).hasMessageContaining("at least 1");
    }
}
