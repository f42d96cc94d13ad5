package io.streamlate.topology.registry;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.model.Await;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The probe against the real Apicurio registry, a closed port and a server that never answers. */
class RegistryHealthTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static ApicurioRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = ApicurioRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void theRealRegistryIsReachableAndAskedOncePerInterval() {
        AtomicInteger checks = new AtomicInteger();
        SchemaRegistryClient client = client(registry.ccompatUrl().toString());
        try (RegistryHealth probe = RegistryHealth.start(() -> {
            checks.incrementAndGet();
            client.checkReachable();
        }, HOUR, HOUR, Clock.systemUTC())) {
            Await.until("a first answer", PATIENCE, () -> probe.latest().reachable());
            for (int i = 0; i < 1_000; i++) {
                assertThat(probe.latest().detail()).isEqualTo("answered");
            }
            assertThat(checks).as("registry calls for 1000 asks within one interval").hasValue(1);
        }
    }

    @Test
    void aClosedPortIsUnreachableAtOnce() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistryClient client = client("http://127.0.0.1:" + closedPort);
        try (RegistryHealth probe = RegistryHealth.start(client::checkReachable, HOUR, HOUR, Clock.systemUTC())) {
            Await.until("a first answer", PATIENCE, () -> !probe.latest().detail().equals("not checked yet"));

            assertThat(probe.latest().reachable()).isFalse();
            assertThat(probe.latest().detail()).contains("GET http://127.0.0.1:" + closedPort + "/config")
                    .contains("ConnectException");
        }
    }

    @Test
    void aRegistryThatNeverAnswersBlocksNoAskerAndGoesStale() throws IOException {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        // Accepted by the kernel's backlog, never read: the request is sent and no response ever comes.
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             RegistryHealth probe = RegistryHealth.start(client("http://127.0.0.1:" + silent.getLocalPort())
                     ::checkReachable, Duration.ofSeconds(1), Duration.ofSeconds(30), clock)) {
            long start = System.nanoTime();
            RegistryHealth.Result early = probe.latest();
            clock.advance(Duration.ofSeconds(31));
            RegistryHealth.Result stale = probe.latest();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
            assertThat(early).isEqualTo(new RegistryHealth.Result(false, Instant.parse("2026-01-01T00:00:00Z"),
                    "not checked yet"));
            assertThat(stale.reachable()).isFalse();
            assertThat(stale.detail()).isEqualTo("no answer for over PT30S (last: not checked yet at "
                    + "2026-01-01T00:00:00Z)");
        }
    }

    @Test
    void anAnswerOlderThanMaxAgeCountsAsUnreachable() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        SchemaRegistryClient client = client(registry.ccompatUrl().toString());
        try (RegistryHealth probe = RegistryHealth.start(client::checkReachable, HOUR, HOUR.plusSeconds(30),
                clock)) {
            Await.until("a first answer", PATIENCE, () -> probe.latest().reachable());

            clock.advance(HOUR.plusSeconds(30));
            assertThat(probe.latest().reachable()).as("exactly maxAge old").isTrue();
            clock.advance(Duration.ofSeconds(1));
            assertThat(probe.latest().reachable()).isFalse();
            assertThat(probe.latest().detail()).startsWith("no answer for over PT1H30S (last: answered at ");
        }
    }

    @Test
    void aReportedFailureMakesItUnavailableUntilTheNextCheckAnswers() {
        AtomicInteger checks = new AtomicInteger();
        SchemaRegistryClient client = client(registry.ccompatUrl().toString());
        try (RegistryHealth health = RegistryHealth.start(() -> {
            checks.incrementAndGet();
            client.checkReachable();
        }, Duration.ofMillis(200), HOUR, Clock.systemUTC())) {
            Await.until("a first answer", PATIENCE, () -> health.latest().reachable());
            assertThat(health.available()).isTrue();

            health.failed(new IllegalStateException("GET /schemas/ids/7 timed out"));
            int checksAtFailure = checks.get();

            assertThat(health.available()).isFalse();
            assertThat(health.latest().detail()).isEqualTo("failed a lookup: GET /schemas/ids/7 timed out");
            Await.until("the next check's answer", PATIENCE, health::available);
            assertThat(checks.get()).isGreaterThan(checksAtFailure);
        }
    }

    @Test
    void availableBeforeTheFirstCheckAndNotOnceAChecksAnswerIsStale() throws IOException {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             RegistryHealth health = RegistryHealth.start(client("http://127.0.0.1:" + silent.getLocalPort())
                     ::checkReachable, Duration.ofSeconds(1), Duration.ofSeconds(5), clock)) {
            assertThat(health.available()).as("nothing is known to be wrong yet").isTrue();
            assertThat(health.latest().reachable()).as("but it is not known to answer either").isFalse();

            clock.advance(Duration.ofSeconds(6));

            assertThat(health.available()).as("the first check hangs").isFalse();
        }
    }

    @Test
    void closingStopsAHungCheckWithinItsBound() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            AtomicInteger started = new AtomicInteger();
            AtomicInteger ended = new AtomicInteger();
            SchemaRegistryClient client = client("http://127.0.0.1:" + silent.getLocalPort());
            RegistryHealth probe = RegistryHealth.start(() -> {
                started.incrementAndGet();
                try {
                    client.checkReachable();
                } finally {
                    ended.incrementAndGet();
                }
            }, HOUR, HOUR, Clock.systemUTC());
            Await.until("the check to start", PATIENCE, () -> started.get() == 1);

            long start = System.nanoTime();
            probe.close();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_500));
            assertThat(ended).as("the hung check was interrupted and returned").hasValue(1);
        }
    }

    @Test
    void rejectsAnIntervalOrMaxAgeThatCannotWork() {
        assertThatThrownBy(() -> RegistryHealth.start(() -> { }, Duration.ZERO, HOUR, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval must be positive, was PT0S");
        assertThatThrownBy(() -> RegistryHealth.start(() -> { }, HOUR, Duration.ofMinutes(59), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAge must be >= interval (PT1H), was PT59M");
    }

    /** Long timeouts on purpose: the probe, not the client, must keep a silent registry from blocking anyone. */
    private static SchemaRegistryClient client(String url) {
        return new SchemaRegistryClient(RegistryConfig.from(Map.of(RegistryConfig.URL, url,
                RegistryConfig.READ_TIMEOUT_MS, "60000")));
    }
}
