package io.streamlate.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * A client for the part of the Confluent Schema Registry REST API the serdes need: register, look up an id in a
 * subject, fetch a schema by id, the latest version, and a compatibility check. It exists because Confluent's Java
 * client is not on Maven Central; it runs against Confluent's registry and Apicurio's {@code /apis/ccompat/v7}.
 *
 * <p>Ids are immutable in a registry, so id → schema and (subject, schema) → id are cached for the client's
 * lifetime; the latest version and compatibility are always asked. Requests that fail with an IO error, a 5xx or
 * a 429 are retried by the configured {@link RetryPolicy}; every other error is a {@link SchemaRegistryException}
 * with the HTTP status and the registry's {@code error_code} and {@code message}, except that a 401 names the
 * credentials setting instead of quoting the page that came with it, and a failed TLS handshake names the trust store
 * setting. No message carries a credential. Thread-safe.
 */
public final class SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A health probe asks again on its own schedule; retrying inside one probe would only delay its answer. */
    private static final RetryPolicy NO_RETRIES = new RetryPolicy(0, Duration.ZERO, Duration.ZERO);

    private final RegistryConfig config;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<Integer, SchemaRegistryException> unknownIds = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    public SchemaRegistryClient(RegistryConfig config) {
        this.config = config;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(config.connectTimeout());
        if (!config.tls().usesJdkDefaults()) {
            http.sslContext(config.tls().sslContext());
        }
        this.http = http.build();
    }

    /** Registers {@code schema} under {@code subject} (a no-op returning the id if it is there) and returns its id. */
    public int register(String subject, Schema schema) {
        return cached(idsOf(subject), schema, s -> send("POST", "/subjects/" + encode(subject) + "/versions",
                schemaBody(s)).path("id").asInt());
    }

    /**
     * The id {@code schema} has under {@code subject}, without registering it.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#isNotFound()} if the subject does not
     *                                 exist or does not hold this schema
     */
    public int idOf(String subject, Schema schema) {
        return cached(idsOf(subject), schema, s -> send("POST", "/subjects/" + encode(subject), schemaBody(s))
                .path("id").asInt());
    }

    /**
     * The schema registered under {@code id}. Both answers are cached for the client's lifetime: a schema id, once
     * assigned, never changes, and an id the registry does not have (a record from another registry, say) is not
     * asked again.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#isNotFound()} for an unknown id
     */
    public Schema schemaById(int id) {
        SchemaRegistryException missing = unknownIds.get(id);
        if (missing != null) {
            throw missing;
        }
        try {
            return cached(schemasById, id, i -> parse(send("GET", "/schemas/ids/" + i, null)));
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                unknownIds.put(id, e);
            }
            throw e;
        }
    }

    /** Whether {@link #schemaById} answers {@code id} from the cache, without a request. */
    public boolean knowsSchemaId(int id) {
        return schemasById.containsKey(id) || unknownIds.containsKey(id);
    }

    public RegisteredSchema latest(String subject) {
        JsonNode version = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        return new RegisteredSchema(version.path("subject").asText(subject), version.path("version").asInt(),
                version.path("id").asInt(), parse(version));
    }

    /** Whether the subject's compatibility rule accepts {@code schema} as its next version. */
    public boolean isCompatible(String subject, Schema schema) {
        return send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema))
                .path("is_compatible").asBoolean();
    }

    /**
     * Whether the registry answers: one {@code GET /config} (the global compatibility level, which every
     * Confluent-compatible registry serves cheaply), authenticated like every other request and never retried.
     *
     * @throws SchemaRegistryException when it fails with an IO error or answers anything but 2xx
     */
    public void checkReachable() {
        send("GET", "/config", null, NO_RETRIES);
    }

    /** Not computeIfAbsent: that would hold a map lock through a network call. Racing loads agree anyway. */
    private static <K, V> V cached(Map<K, V> cache, K key, Function<K, V> load) {
        V value = cache.get(key);
        if (value == null) {
            value = load.apply(key);
            cache.put(key, value);
        }
        return value;
    }

    private Map<Schema, Integer> idsOf(String subject) {
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    }

    private JsonNode send(String method, String path, String body) {
        return send(method, path, body, config.retry());
    }

    private JsonNode send(String method, String path, String body, RetryPolicy retry) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.url() + path))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        config.basicAuthHeader().ifPresent(header -> request.header("Authorization", header));
        return sendWithRetries(request.build(), method + " " + config.url() + path, retry);
    }

    private JsonNode sendWithRetries(HttpRequest request, String description, RetryPolicy retry) {
        for (int attempt = 0; ; attempt++) {
            boolean lastAttempt = attempt == retry.maxRetries();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return JSON.readTree(response.body());
                }
                if (lastAttempt || !(status / 100 == 5 || status == 429)) {
                    throw error(description, status, response.body());
                }
                log.warn("{} answered HTTP {}; retrying", description, status);
            } catch (IOException e) {
                if (lastAttempt) {
                    throw new SchemaRegistryException(description + " failed after " + (attempt + 1)
                            + " attempt(s): " + e + handshakeHint(e), e);
                }
                log.warn("{} failed: {}; retrying", description, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(description + " was interrupted", e);
            }
            pause(retry.waitBefore(attempt + 1, ThreadLocalRandom.current().nextDouble()), description);
        }
    }

    private SchemaRegistryException error(String description, int status, String body) {
        if (status == 401) {
            // the body is a proxy's or identity server's page; what the user must act on is the setting
            return new SchemaRegistryException(description, status, OptionalInt.empty(), unauthorized());
        }
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.has("error_code")) {
                return new SchemaRegistryException(description, status,
                        OptionalInt.of(error.path("error_code").asInt()), error.path("message").asText());
            }
        } catch (IOException notJson) {
            // a proxy's HTML page, say: the raw body below says more than a parse error would
        }
        return new SchemaRegistryException(description, status, OptionalInt.empty(), body);
    }

    private String unauthorized() {
        String registry = "the schema registry at " + config.url();
        return config.basicAuthHeader().isPresent()
                ? registry + " refused the credentials (401): check " + RegistryConfig.BASIC_AUTH_USER_INFO
                : registry + " requires credentials (401): set " + RegistryConfig.BASIC_AUTH_USER_INFO
                        + " (user:password)";
    }

    /** A handshake failure is mostly a certificate the configured trust does not accept: names its setting. */
    private String handshakeHint(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException) {
                return "; if the registry's certificate is not trusted, set " + TlsSettings.TRUSTSTORE_LOCATION
                        + config.tls().truststore().map(store -> " (now " + store.location() + ")")
                        .orElse(" (unset: the JDK's default trust)");
            }
        }
        return "";
    }

    private static void pause(Duration wait, String description) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(description + " was interrupted", e);
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static Schema parse(JsonNode response) {
        return new Schema.Parser().parse(response.path("schema").asText());
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
