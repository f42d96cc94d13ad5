package io.streamlate.local;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Debian's nginx in front of a JDK HTTP server: TLS with the written trust store, basic auth, clean stop. */
class NginxTlsProxyTest {

    private static final String PASSWORD = "pr0xy-s3cret";

    private HttpServer upstream;
    private final List<String> forwardedAuthorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(LoopbackPorts.HOST, 0), 0);
        upstream.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            forwardedAuthorizations.add(authorization == null ? "" : authorization);
            byte[] body = ("upstream saw " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop(0);
    }

    @Test
    void forwardsAuthenticatedRequestsOverTlsAndRefusesOthers(@TempDir Path directory) throws Exception {
        URI upstreamUrl = URI.create("http://" + LoopbackPorts.HOST + ":" + upstream.getAddress().getPort()
                + "/apis/ccompat/v7");
        try (NginxTlsProxy proxy = NginxTlsProxy.start(upstreamUrl, "streamlate", PASSWORD)) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(proxy.writeTruststore(
                    directory.resolve("trust.p12"), "changeit"), "changeit")).build();
            URI url = proxy.proxied(URI.create(upstreamUrl + "/config"));

            HttpResponse<String> authenticated = get(trusting, url, "streamlate:" + PASSWORD);
            HttpResponse<String> wrongPassword = get(trusting, url, "streamlate:wrong");
            HttpResponse<String> anonymous = trusting.send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(url.toString()).startsWith("https://127.0.0.1:").endsWith("/apis/ccompat/v7/config");
            assertThat(authenticated.statusCode()).isEqualTo(200);
            assertThat(authenticated.body()).isEqualTo("upstream saw /apis/ccompat/v7/config");
            assertThat(wrongPassword.statusCode()).isEqualTo(401);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(forwardedAuthorizations).as("the credentials stop at the proxy").containsExactly("");
            assertThatThrownBy(() -> get(HttpClient.newHttpClient(), url, "streamlate:" + PASSWORD))
                    .as("the JDK's default trust does not know the self-signed certificate")
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void closingStopsNginxAndItsWrapper(@TempDir Path directory) throws Exception {
        NginxTlsProxy proxy = NginxTlsProxy.start(URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()),
                "streamlate", PASSWORD);
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(proxy.writeTruststore(
                directory.resolve("trust.p12"), "changeit"), "changeit")).build();
        // answered by a worker, so the worker exists before the children are listed
        assertThat(get(trusting, proxy.url(), "streamlate:" + PASSWORD).statusCode()).isEqualTo(200);
        List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
        List<String> commands = children.stream().map(process -> process.info().command().orElse("?")).toList();

        proxy.close();

        assertThat(commands).as("nginx's master and worker among the children").filteredOn(command ->
                command.endsWith("/nginx")).hasSize(2);
        assertThat(children).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void nginxEndsWhenItsParentJvmIsKilledWithoutRunningItsHooks(@TempDir Path temporary) throws Exception {
        // the proxy's working directory, which its killed parent cannot remove, goes with this test's directory
        Process parent = TestJvms.builder(List.of("-Djava.io.tmpdir=" + temporary), NginxTlsProxyParent.class)
                .redirectError(temporary.resolve("parent.log").toFile())
                .start();
        try {
            String url = TestJvms.firstLine(parent, Duration.ofSeconds(60));
            assertThat(url).as(() -> "NginxTlsProxyParent printed nothing; its log: "
                    + read(temporary.resolve("parent.log"))).isNotNull();
            int port = URI.create(url).getPort();
            assertThat(accepts(port)).isTrue();

            parent.destroyForcibly().waitFor();

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (accepts(port) && System.nanoTime() < deadline) {
                Thread.sleep(50); // between polls of the port, not instead of them
            }
            assertThat(accepts(port)).as("nginx still listens on %d after its parent was killed", port).isFalse();
        } finally {
            parent.destroyForcibly();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LoopbackPorts.HOST, port), 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI url, String userInfo) throws Exception {
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext trusting(Path truststore, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            store.load(in, password.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
