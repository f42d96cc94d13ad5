package io.streamlate.topology.observability;

import io.streamlate.topology.registry.RegistryHealth;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The liveness and readiness truth table. */
class HealthChecksTest {

    private static final Progress IDLE = new Progress(0, Duration.ofHours(2), Duration.ofMinutes(1));
    private static final RegistryHealth.Result REACHABLE = new RegistryHealth.Result(true, Instant.EPOCH, "answered");
    private static final RegistryHealth.Result UNREACHABLE =
            new RegistryHealth.Result(false, Instant.EPOCH, "Connection refused");

    @ParameterizedTest(name = "{0}: live {1}, ready {2}")
    @CsvSource({
            "CREATED,          true,  false",
            "REBALANCING,      true,  false",
            "RUNNING,          true,  true",
            "PENDING_SHUTDOWN, false, false",
            "NOT_RUNNING,      false, false",
            "PENDING_ERROR,    false, false",
            "ERROR,            false, false"})
    void theStreamsStateDecidesWhenEverythingElseIsWell(State state, boolean live, boolean ready) {
        HealthChecks checks = new HealthChecks(() -> true, () -> REACHABLE, () -> state, () -> false, () -> IDLE);

        assertThat(checks.liveness().healthy()).isEqualTo(live);
        assertThat(checks.readiness().healthy()).isEqualTo(ready);
        assertThat(checks.readiness().checks()).filteredOn(check -> check.name().equals("streams"))
                .singleElement().isEqualTo(new Check("streams", ready, state.name()));
    }

    @ParameterizedTest(name = "models loaded {0}, registry reachable {1}, thread died {2}: ready {3}")
    @CsvSource({
            "true,  true,  false, true",
            "false, true,  false, false",
            "true,  false, false, false",
            "true,  true,  true,  false",
            "false, false, true,  false"})
    void readyNeedsModelsRegistryAndLiveThreads(boolean modelsLoaded, boolean reachable, boolean threadDied,
                                                boolean ready) {
        HealthChecks checks = new HealthChecks(() -> modelsLoaded, () -> reachable ? REACHABLE : UNREACHABLE,
                () -> State.RUNNING, () -> threadDied, () -> IDLE);

        assertThat(checks.readiness().healthy()).isEqualTo(ready);
        assertThat(checks.liveness().healthy()).as("only a dead thread makes a RUNNING client not live")
                .isEqualTo(!threadDied);
    }

    @Test
    void eachCheckSaysWhatItSaw() {
        HealthChecks checks = new HealthChecks(() -> false, () -> UNREACHABLE, () -> State.REBALANCING, () -> true,
                () -> new Progress(3, Duration.ofSeconds(90), Duration.ofMinutes(1)));

        assertThat(checks.readiness().checks()).containsExactly(
                new Check("streams", false, "REBALANCING"),
                new Check("stream-threads", false, "a stream thread died"),
                new Check("models", false, "not loaded"),
                new Check("registry", false, "Connection refused"),
                new Check("progress", false, "3 pending, last output 90 s ago"));
        assertThat(checks.liveness().checks()).containsExactly(
                new Check("streams", true, "REBALANCING"),
                new Check("stream-threads", false, "a stream thread died"));
    }

    @ParameterizedTest
    @EnumSource(State.class)
    void readinessImpliesLiveness(State state) {
        HealthChecks checks = new HealthChecks(() -> true, () -> REACHABLE, () -> state, () -> false, () -> IDLE);

        assertThat(!checks.readiness().healthy() || checks.liveness().healthy()).isTrue();
    }

    @Test
    void theSuppliersAreReadAtEveryAsk() {
        State[] state = {State.REBALANCING};
        HealthChecks checks = new HealthChecks(() -> true, () -> REACHABLE, () -> state[0], () -> false, () -> IDLE);

        assertThat(checks.readiness().healthy()).isFalse();
        state[0] = State.RUNNING;
        assertThat(checks.readiness().healthy()).isTrue();
    }

    @ParameterizedTest(name = "{0} pending, last output {1} s ago: ready {2}")
    @CsvSource({
            "0, 7200, true",
            "5, 30,   true",
            "5, 60,   true",
            "5, 61,   false"})
    void pendingInputsWithoutOutputForLongerThanTheStallBoundAreNotReady(int pending, int secondsAgo,
                                                                         boolean ready) {
        HealthChecks checks = new HealthChecks(() -> true, () -> REACHABLE, () -> State.RUNNING, () -> false,
                () -> new Progress(pending, Duration.ofSeconds(secondsAgo), Duration.ofMinutes(1)));

        assertThat(checks.readiness().healthy()).isEqualTo(ready);
        assertThat(checks.liveness().healthy()).as("a stall is not a reason to restart").isTrue();
    }
}
