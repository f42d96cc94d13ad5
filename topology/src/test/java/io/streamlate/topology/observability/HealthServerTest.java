package io.streamlate.topology.observability;

import io.streamlate.topology.registry.RegistryHealth;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamlate.model.Await;
import io.streamlate.model.LanguagePair;
import io.streamlate.model.batching.BatchReport;
import io.streamlate.model.batching.CloseReason;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The endpoints over real HTTP. */
class HealthServerTest {

    private static final Progress IDLE = new Progress(0, Duration.ZERO, Duration.ofMinutes(1));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LanguagePair EN_FR = new LanguagePair("en", "fr");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StreamlateMetrics metrics = new StreamlateMetrics(registry);
    private final AtomicBoolean modelsLoaded = new AtomicBoolean(true);
    private final AtomicReference<RegistryHealth.Result> registryProbe =
            new AtomicReference<>(new RegistryHealth.Result(true, Instant.EPOCH, "answered"));
    private final AtomicReference<State> streamsState = new AtomicReference<>(State.RUNNING);
    private final AtomicBoolean threadDied = new AtomicBoolean();
    private HealthServer server;

    @BeforeEach
    void start() {
        server = HealthServer.start("127.0.0.1", 0, registry, new HealthChecks(modelsLoaded::get, registryProbe::get,
                streamsState::get, threadDied::get, () -> IDLE), Map.of("/echo", new HttpEndpoint("text/plain",
                uri -> {
                    if ("bad".equals(uri.getQuery())) {
                        throw new IllegalArgumentException("the query must not be 'bad'");
                    }
                    return uri.getQuery().getBytes(StandardCharsets.UTF_8);
                })));
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    @Test
    void metricsAreThePrometheusTextOfWhatWasRecorded() throws Exception {
        metrics.batchCompleted(new BatchReport(1, EN_FR, CloseReason.TOKENS, 3, 21, 27, Duration.ofMillis(40),
                Duration.ofMillis(150), 2, 17));
        metrics.deadLettered("MALFORMED_AVRO");
        metrics.deadLettered("MALFORMED_AVRO");
        metrics.deadLettered("TRANSLATION_FAILED");

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body().lines()).contains(
                "streamlate_dead_letters_total{reason=\"MALFORMED_AVRO\"} 2.0",
                "streamlate_dead_letters_total{reason=\"TRANSLATION_FAILED\"} 1.0",
                "streamlate_batches_total{pair=\"en-fr\",reason=\"tokens\"} 1.0",
                "streamlate_sentences_translated_total{pair=\"en-fr\"} 2.0",
                "streamlate_sentences_failed_total{pair=\"en-fr\"} 1.0",
                "streamlate_target_tokens_total{pair=\"en-fr\"} 17.0",
                "streamlate_batch_sentences_bucket{pair=\"en-fr\",le=\"2.0\"} 0",
                "streamlate_batch_sentences_bucket{pair=\"en-fr\",le=\"4.0\"} 1",
                "streamlate_batch_sentences_count{pair=\"en-fr\"} 1",
                "streamlate_batch_source_tokens_sum{pair=\"en-fr\"} 21.0",
                "streamlate_batch_padded_tokens_sum{pair=\"en-fr\"} 27.0",
                "streamlate_batch_queue_wait_seconds_bucket{pair=\"en-fr\",le=\"0.05\"} 1",
                "streamlate_batch_queue_wait_seconds_sum{pair=\"en-fr\"} 0.04",
                "streamlate_batch_inference_seconds_bucket{pair=\"en-fr\",le=\"0.1\"} 0",
                "streamlate_batch_inference_seconds_bucket{pair=\"en-fr\",le=\"0.2\"} 1",
                "streamlate_batch_inference_seconds_sum{pair=\"en-fr\"} 0.15");
    }

    @Test
    void healthyProbesAnswer200WithEveryCheck() throws Exception {
        HttpResponse<String> live = get("/health/live");
        HttpResponse<String> ready = get("/health/ready");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(live.body())).isEqualTo(JSON.readTree("""
                {"status":"UP","checks":[
                  {"name":"streams","status":"UP","detail":"RUNNING"},
                  {"name":"stream-threads","status":"UP","detail":"alive"}]}"""));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body())).isEqualTo(JSON.readTree("""
                {"status":"UP","checks":[
                  {"name":"streams","status":"UP","detail":"RUNNING"},
                  {"name":"stream-threads","status":"UP","detail":"alive"},
                  {"name":"models","status":"UP","detail":"loaded"},
                  {"name":"registry","status":"UP","detail":"answered"},
                  {"name":"progress","status":"UP","detail":"nothing pending"}]}"""));
    }

    @Test
    void aRebalancingClientWithAnUnreachableRegistryIsLiveButNotReady() throws Exception {
        streamsState.set(State.REBALANCING);
        registryProbe.set(new RegistryHealth.Result(false, Instant.EPOCH, "Connection refused"));

        HttpResponse<String> ready = get("/health/ready");

        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        assertThat(body.path("checks").findValuesAsText("status")).containsExactly("DOWN", "UP", "UP", "DOWN", "UP");
        assertThat(body.path("checks").get(3).path("detail").asText()).isEqualTo("Connection refused");
    }

    @Test
    void aDeadStreamThreadMakesTheServiceNotLive() throws Exception {
        threadDied.set(true);

        HttpResponse<String> live = get("/health/live");

        assertThat(live.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(live.body()).path("checks").get(1).path("detail").asText())
                .isEqualTo("a stream thread died");
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void otherMethodsAre405AndOtherPaths404() throws Exception {
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/health/ready"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(send(HttpRequest.newBuilder(uri("/metrics")).DELETE()).statusCode()).isEqualTo(405);
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/health").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/extra").statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(uri("/nowhere")).POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode()).as("an unknown path is 404 whatever the method").isEqualTo(404);
    }

    @Test
    void anAddedEndpointAnswersWithItsQueryAndAClientErrorIs400() throws Exception {
        HttpResponse<String> echo = get("/echo?after=7");

        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.headers().firstValue("Content-Type")).hasValue("text/plain");
        assertThat(echo.body()).isEqualTo("after=7");
        HttpResponse<String> bad = get("/echo?bad");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("the query must not be 'bad'\n");
        assertThat(get("/nowhere").body()).contains("/echo", "/health/ready", "/metrics");
        assertThatThrownBy(() -> HealthServer.start("127.0.0.1", 0, registry, new HealthChecks(() -> true,
                registryProbe::get, streamsState::get, () -> false, () -> IDLE), Map.of("/metrics",
                new HttpEndpoint("text/plain", uri -> new byte[0])))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("/metrics is served already");
    }

    @Test
    void aFailingCheckAnswers500AndTheServerCarriesOn() throws Exception {
        streamsState.set(null);

        assertThat(get("/health/live").statusCode()).isEqualTo(500);
        streamsState.set(State.RUNNING);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void closingIsQuickAndStopsListening() {
        long start = System.nanoTime();
        server.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_500));
        assertThatThrownBy(() -> get("/health/live")).isInstanceOf(ConnectException.class);
        Await.until("the server's threads to end", Duration.ofSeconds(1), () -> Thread.getAllStackTraces().keySet()
                .stream().noneMatch(thread -> thread.getName().startsWith("streamlate-health-")));
    }

    @Test
    void anAddressItCannotBindFailsTheStartNamingIt() {
        assertThatThrownBy(() -> HealthServer.start("no-such-host.invalid", 0, registry, new HealthChecks(
                () -> true, registryProbe::get, streamsState::get, () -> false, () -> IDLE), Map.of()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot listen on no-such-host.invalid:0 for metrics and health");
    }

    @Test
    void rejectsAPortOutOfRange() {
        assertThatThrownBy(() -> HealthServer.start("127.0.0.1", 65_536, registry, new HealthChecks(() -> true,
                registryProbe::get, streamsState::get, () -> false, () -> IDLE), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port must be in [0, 65535], was 65536");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
