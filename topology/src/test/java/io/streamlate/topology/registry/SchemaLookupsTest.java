package io.streamlate.topology.registry;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.model.Await;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.SchemaRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema lookups off the caller's thread, against a server that reads requests and never answers, and against the
 * real Apicurio registry behind a proxy that answers slowly. The client's read timeout is long on purpose: only
 * the lookups, not a timeout, may keep the caller (a stream thread) from waiting.
 */
class SchemaLookupsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Far below any timeout in play: a caller that waited on the registry even once would exceed it. */
    private static final Duration NEVER_WAITS = Duration.ofMillis(500);

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
    void aRegistryThatReadsAndNeverAnswersHoldsNoCaller() throws Exception {
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        try (SilentServer silent = SilentServer.start();
             SchemaLookups lookups = new SchemaLookups(client(silent.port(), "60000"), failures::add)) {
            long start = System.nanoTime();
            boolean anyReady = false;
            for (int i = 0; i < 1_000; i++) {
                anyReady |= lookups.ready(framed(7));
            }
            Duration asked = Duration.ofNanos(System.nanoTime() - start);
            Await.until("the lookup's request to arrive", PATIENCE, () -> silent.bytesRead() > 0);

            assertThat(anyReady).as("an id nobody answered for is never ready").isFalse();
            assertThat(asked).as("1000 asks while the lookup hangs").isLessThan(NEVER_WAITS);
            assertThat(silent.connections()).as("one lookup per schema id at a time").isEqualTo(1);
            assertThat(failures).as("nothing failed yet: the request is still waiting").isEmpty();
        }
    }

    @Test
    void aLookupThatTimesOutIsReportedAndStartedAgainAtTheNextAsk() throws Exception {
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        try (SilentServer silent = SilentServer.start();
             SchemaLookups lookups = new SchemaLookups(client(silent.port(), "300"), failures::add)) {
            assertThat(lookups.ready(framed(7))).isFalse();
            Await.until("the timed-out lookup to be reported", PATIENCE, () -> !failures.isEmpty());

            assertThat(failures.get(0)).hasMessageContaining("/schemas/ids/7");
            Await.until("a new lookup once asked again", PATIENCE, () -> {
                lookups.ready(framed(7));
                return silent.connections() >= 2;
            });
        }
    }

    @Test
    void aSlowRegistryAnswersWhileTheCallerGoesOnAndThenTheSchemaIsKnown() throws Exception {
        int id = new SchemaRegistryClient(RegistryConfig.from(Map.of(RegistryConfig.URL,
                registry.ccompatUrl().toString()))).register("slow-" + UUID.randomUUID() + "-value",
                SentenceEvent.getClassSchema());
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        try (SlowProxy proxy = SlowProxy.start(registry.url().getHost(), registry.url().getPort(),
                Duration.ofSeconds(2))) {
            SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.from(Map.of(RegistryConfig.URL,
                    "http://127.0.0.1:" + proxy.port() + registry.ccompatUrl().getPath(),
                    RegistryConfig.READ_TIMEOUT_MS, "60000")));
            try (SchemaLookups lookups = new SchemaLookups(client, failures::add)) {
                AtomicInteger notReady = new AtomicInteger();
                long[] slowest = {0};
                Await.until("the slow answer", PATIENCE, () -> {
                    long start = System.nanoTime();
                    boolean ready = lookups.ready(framed(id));
                    slowest[0] = Math.max(slowest[0], System.nanoTime() - start);
                    if (!ready) {
                        notReady.incrementAndGet();
                    }
                    return ready;
                });
                int connections = proxy.connections();

                assertThat(notReady).as("asks answered 'not yet' while the registry took its time").hasPositiveValue();
                assertThat(Duration.ofNanos(slowest[0])).as("the slowest ask").isLessThan(NEVER_WAITS);
                assertThat(client.schemaById(id)).isEqualTo(SentenceEvent.getClassSchema());
                assertThat(lookups.ready(framed(id))).isTrue();
                assertThat(proxy.connections()).as("decoding now needs no request").isEqualTo(connections);
                assertThat(failures).isEmpty();
            }
        }
    }

    @Test
    void anIdTheRegistryDoesNotHaveIsReadyOnceItSaidSo() {
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.from(Map.of(RegistryConfig.URL,
                registry.ccompatUrl().toString())));
        try (SchemaLookups lookups = new SchemaLookups(client, failures::add)) {
            Await.until("the registry's 404", PATIENCE, () -> lookups.ready(framed(987_654)));

            assertThat(client.knowsSchemaId(987_654)).as("the deserializer reads the cached 404").isTrue();
            assertThat(failures).as("not found is an answer, not a registry failure").isEmpty();
        }
    }

    @Test
    void aValueOutsideTheWireFormatIsLeftToTheDeserializer() throws Exception {
        try (SilentServer silent = SilentServer.start();
             SchemaLookups lookups = new SchemaLookups(client(silent.port(), "60000"), e -> { })) {
            assertThat(lookups.ready(new byte[]{1, 2, 3, 4, 5, 6})).isTrue();
            assertThat(lookups.ready(new byte[]{0, 0})).isTrue();
            assertThat(lookups.ready(new byte[0])).isTrue();
            assertThat(silent.connections()).isZero();
        }
    }

    private static byte[] framed(int schemaId) {
        return ByteBuffer.allocate(8).put((byte) 0).putInt(schemaId).put(new byte[]{2, 4, 6}).array();
    }

    private static SchemaRegistryClient client(int port, String readTimeoutMs) {
        return new SchemaRegistryClient(RegistryConfig.from(Map.of(RegistryConfig.URL, "http://127.0.0.1:" + port,
                RegistryConfig.READ_TIMEOUT_MS, readTimeoutMs, RegistryConfig.MAX_RETRIES, "0")));
    }

    /** Accepts connections and reads what is sent, and never writes a byte back. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket listener;
        private final AtomicInteger connections = new AtomicInteger();
        private final AtomicInteger bytesRead = new AtomicInteger();
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        private SilentServer(ServerSocket listener) {
            this.listener = listener;
        }

        static SilentServer start() throws IOException {
            SilentServer server = new SilentServer(new ServerSocket(0, 10, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(server::accept, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        }

        int port() {
            return listener.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        int bytesRead() {
            return bytesRead.get();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    accepted.add(socket);
                    connections.incrementAndGet();
                    Thread reader = new Thread(() -> drain(socket), "silent-server-read");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void drain(Socket socket) {
            byte[] buffer = new byte[4096];
            try (InputStream in = socket.getInputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    bytesRead.addAndGet(read);
                }
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
