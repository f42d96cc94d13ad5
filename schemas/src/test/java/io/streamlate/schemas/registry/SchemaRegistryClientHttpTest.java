package io.streamlate.schemas.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retries, error parsing and basic auth, against a JDK HTTP server that answers from a script: failures on demand
 * are what a real registry will not give.
 */
class SchemaRegistryClientHttpTest {

    private static final String SCHEMA_JSON = "{\"schema\":\"\\\"string\\\"\"}";

    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<String> authorizations = new ArrayList<>();
    private HttpServer server;

    record Reply(int status, String body) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void retriesServerErrorsAndTooManyRequestsThenSucceeds() {
        replies.add(new Reply(503, "unavailable"));
        replies.add(new Reply(429, "slow down"));
        replies.add(new Reply(200, SCHEMA_JSON));

        assertThat(client(Map.of()).schemaById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
        assertThat(authorizations).hasSize(3);
    }

    @Test
    void givesUpAfterMaxRetriesWithTheLastStatus() {
        for (int i = 0; i < 5; i++) {
            replies.add(new Reply(500, "{\"error_code\":50001,\"message\":\"store down\"}"));
        }

        assertThatThrownBy(() -> client(Map.of(RegistryConfig.MAX_RETRIES, "2")).schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(OptionalInt.of(500));
                    assertThat(e.errorCode()).isEqualTo(OptionalInt.of(50001));
                })
                .hasMessageEndingWith("failed with HTTP 500, error_code 50001: store down");
        assertThat(authorizations).as("1 attempt + 2 retries").hasSize(3);
    }

    @Test
    void clientErrorsAreNotRetriedAndKeepANonJsonBody() {
        replies.add(new Reply(400, "<html>bad request</html>"));

        assertThatThrownBy(() -> client(Map.of()).schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e ->
                        assertThat(e.errorCode()).isEmpty())
                .hasMessageContaining("HTTP 400: <html>bad request</html>");
        assertThat(authorizations).hasSize(1);
    }

    @Test
    void refusedCredentialsNameTheirSettingButNotTheirValue() {
        replies.add(new Reply(401, "<html>401 Authorization Required</html>"));

        assertThatThrownBy(() -> client(Map.of(RegistryConfig.BASIC_AUTH_USER_INFO, "streamlate:s3cret")).schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e ->
                        assertThat(e.httpStatus()).isEqualTo(OptionalInt.of(401)))
                .hasMessageContaining("the schema registry at http://127.0.0.1:" + server.getAddress().getPort()
                        + " refused the credentials (401): check basic.auth.user.info")
                .hasMessageNotContaining("s3cret")
                .hasMessageNotContaining("Basic ");
        assertThat(authorizations).as("not retried").hasSize(1);
    }

    @Test
    void aMissingLoginSaysWhichSettingToSet() {
        replies.add(new Reply(401, "<html>401 Authorization Required</html>"));

        assertThatThrownBy(() -> client(Map.of()).schemaById(1))
                .hasMessageContaining("requires credentials (401): set basic.auth.user.info (user:password)");
    }

    @Test
    void anUnreachableRegistryFailsAfterTheRetriesWithTheIoErrorAsCause() {
        int port = server.getAddress().getPort();
        server.stop(0);

        assertThatThrownBy(() -> client(Map.of(RegistryConfig.URL, "http://127.0.0.1:" + port,
                RegistryConfig.MAX_RETRIES, "1")).schemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("failed after 2 attempt(s)")
                .hasCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void theReachabilityCheckAsksOnceWithoutRetrying() {
        replies.add(new Reply(503, "unavailable"));

        assertThatThrownBy(() -> client(Map.of(RegistryConfig.MAX_RETRIES, "3")).checkReachable())
                .isInstanceOfSatisfying(SchemaRegistryException.class, e ->
                        assertThat(e.httpStatus()).isEqualTo(OptionalInt.of(503)))
                .hasMessageContaining("GET http://127.0.0.1:" + server.getAddress().getPort() + "/config");
        assertThat(authorizations).hasSize(1);
    }

    @Test
    void sendsBasicAuthFromUserInfo() {
        replies.add(new Reply(200, SCHEMA_JSON));

        client(Map.of(RegistryConfig.BASIC_AUTH_SOURCE, "USER_INFO",
                RegistryConfig.BASIC_AUTH_USER_INFO, "streamlate:s3cret:with-colon")).schemaById(1);

        assertThat(authorizations).containsExactly("Basic c3RyZWFtbGF0ZTpzM2NyZXQ6d2l0aC1jb2xvbg==");
    }

    @Test
    void cachesSchemasById() {
        replies.add(new Reply(200, SCHEMA_JSON));
        SchemaRegistryClient client = client(Map.of());

        client.schemaById(1);
        client.schemaById(1);

        assertThat(authorizations).hasSize(1);
    }

    private SchemaRegistryClient client(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(Map.of(
                RegistryConfig.URL, "http://127.0.0.1:" + server.getAddress().getPort(),
                RegistryConfig.RETRIES_WAIT_MS, "1",
                RegistryConfig.RETRIES_MAX_WAIT_MS, "4"));
        properties.putAll(overrides);
        return new SchemaRegistryClient(RegistryConfig.from(properties));
    }

    private void answer(HttpExchange exchange) throws IOException {
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        Reply reply = replies.isEmpty() ? new Reply(500, "script exhausted") : replies.poll();
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(reply.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
