package io.streamlate.topology.backpressure;

import io.streamlate.model.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackpressureControllerTest {

    /** Records the calls; pause/resume flip the state as Kafka Streams does. */
    private static final class RecordingSwitch implements PauseSwitch {
        final List<String> calls = new CopyOnWriteArrayList<>();
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
    }

    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean registryAvailable = new AtomicBoolean(true);
    private final RecordingSwitch streams = new RecordingSwitch();
    private final BackpressureController controller = new BackpressureController(new PausePolicy(6, 2),
            queued::get, registryAvailable::get);

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
    }

    @Test
    void anUnavailableRegistryPausesUntilItAnswersAgain() {
        registryAvailable.set(false);
        checkAt(0);
        assertThat(streams.calls).containsExactly("pause");
        assertThat(controller.reason()).isEqualTo(BackpressureController.Reason.REGISTRY_DOWN);
        checkAt(0);
        assertThat(streams.calls).containsExactly("pause");

        registryAvailable.set(true);
        checkAt(0);
        assertThat(streams.calls).containsExactly("pause", "resume");
        assertThat(controller.pauses()).isEqualTo(1);
    }

    @Test
    void aRecoveredRegistryWithAFullQueueStaysPausedForTheQueue() {
        registryAvailable.set(false);
        checkAt(8);
        registryAvailable.set(true);
        checkAt(8);
        assertThat(controller.reason()).isEqualTo(BackpressureController.Reason.QUEUE_FULL);
        assertThat(streams.calls).containsExactly("pause");
        checkAt(0);
        assertThat(streams.calls).containsExactly("pause", "resume");
    }

    @Test
    void theTimerThreadPausesARealSwitch() {
        queued.set(10);
        controller.start(streams);
        try {
            Await.until("a pause", Duration.ofSeconds(10), () -> streams.calls.contains("pause"));
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
