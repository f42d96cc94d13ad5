package io.streamlate.topology.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The service's HTTP side, on the JDK's own server: {@code GET /metrics} (Prometheus text format),
 * {@code GET /health/live} and {@code GET /health/ready} (200 when healthy, else 503, with a JSON body listing each
 * check), and the endpoints other parts add ({@link HttpEndpoint}: the live view). Other methods get 405, other
 * paths 404. Two daemon threads serve it; every answer is computed from cached or in-memory state, so none waits on
 * Kafka or the registry.
 */
public final class HealthServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int THREADS = 2;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);
    private static final String JSON_TYPE = "application/json";
    private static final String TEXT_TYPE = "text/plain; charset=utf-8";
    /** Prometheus text format 0.0.4; handed to the registry too, which picks its writer by this type. */
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private record Response(int status, String contentType, byte[] body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Function<URI, Response>> routes;

    private HealthServer(HttpServer server, ExecutorService executor, Map<String, Function<URI, Response>> routes) {
        this.server = server;
        this.executor = executor;
        this.routes = routes;
    }

    /** Every path the server answers, in path order (the 404 answer lists them). */
    private static Map<String, Function<URI, Response>> routes(PrometheusMeterRegistry metrics, HealthChecks health,
                                                               Map<String, HttpEndpoint> endpoints) {
        Map<String, Function<URI, Response>> routes = new TreeMap<>();
        routes.put("/metrics", uri -> new Response(200, PROMETHEUS_TYPE,
                metrics.scrape(PROMETHEUS_TYPE).getBytes(StandardCharsets.UTF_8)));
        routes.put("/health/live", uri -> verdict(health.liveness()));
        routes.put("/health/ready", uri -> verdict(health.readiness()));
        endpoints.forEach((path, endpoint) -> {
            if (routes.putIfAbsent(path, uri -> new Response(200, endpoint.contentType(),
                    endpoint.body().apply(uri))) != null) {
                throw new IllegalArgumentException(path + " is served already");
            }
        });
        return Collections.unmodifiableMap(routes);
    }

    /**
     * Listens on {@code host} (an address or name; {@code 0.0.0.0} = every interface) at {@code port}; 0 picks a
     * free port, which {@link #port()} then tells. {@code endpoints} are served beside metrics and health, by path.
     */
    public static HealthServer start(String host, int port, PrometheusMeterRegistry metrics, HealthChecks health,
                                     Map<String, HttpEndpoint> endpoints) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
        }
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(health, "health");
        Map<String, Function<URI, Response>> routes = routes(metrics, health, endpoints);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + " for metrics and health", e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread daemon = new Thread(runnable, "streamlate-health-" + threads.incrementAndGet());
            daemon.setDaemon(true);
            return daemon;
        });
        HealthServer started = new HealthServer(server, executor, routes);
        server.createContext("/", started::answer);
        server.setExecutor(executor);
        server.start();
        LOG.info("HTTP endpoints {} on port {}", started.routes.keySet(), started.port());
        return started;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            Function<URI, Response> route = routes.get(exchange.getRequestURI().getPath());
            Response response;
            if (route == null) {
                response = text(404, "no such endpoint; try " + String.join(", ", routes.keySet()));
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                response = text(405, exchange.getRequestMethod() + " not allowed; use GET");
            } else {
                response = compute(route, exchange.getRequestURI());
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), response.body().length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(response.body());
            }
        }
    }

    /** A failing check must still answer: the prober reads a 500 as down, and the log says why. */
    private static Response compute(Function<URI, Response> route, URI uri) {
        try {
            return route.apply(uri);
        } catch (IllegalArgumentException e) {
            return text(400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("health endpoint failed", e);
            return text(500, "failed: " + e);
        }
    }

    private static Response verdict(HealthVerdict verdict) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", verdict.healthy() ? "UP" : "DOWN");
        ArrayNode checks = body.putArray("checks");
        for (Check check : verdict.checks()) {
            checks.addObject().put("name", check.name()).put("status", check.passing() ? "UP" : "DOWN")
                    .put("detail", check.detail());
        }
        return new Response(verdict.healthy() ? 200 : 503, JSON_TYPE,
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Response text(int status, String message) {
        return new Response(status, TEXT_TYPE, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Stops listening at once (a scrape in progress is cut off) and waits at most a second for the threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("health server threads still running {} after close", CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
