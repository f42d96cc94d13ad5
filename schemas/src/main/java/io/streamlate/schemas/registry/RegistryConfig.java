package io.streamlate.schemas.registry;

import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the schema registry, read from the same keys Confluent's client uses so that one Kafka Streams
 * property map configures both. Validated when built: a bad value fails with the key's name.
 *
 * @param url                 {@value #URL}: one base URL, e.g. {@code http://registry:8081} or Apicurio's
 *                            {@code http://registry:8080/apis/ccompat/v7}
 * @param basicAuthHeader     from {@value #BASIC_AUTH_USER_INFO} ({@code user:password}), the Authorization
 *                            header value; {@value #BASIC_AUTH_SOURCE} may only be {@code USER_INFO}
 * @param tls                 the {@code schema.registry.ssl.*} stores
 * @param retry               {@value #MAX_RETRIES} (default 3), {@value #RETRIES_WAIT_MS} (default 100),
 *                            {@value #RETRIES_MAX_WAIT_MS} (default 5000)
 * @param connectTimeout      {@value #CONNECT_TIMEOUT_MS} (default 10000)
 * @param requestTimeout      {@value #READ_TIMEOUT_MS} (default 30000): per attempt, until the response arrives
 */
public record RegistryConfig(URI url, Optional<String> basicAuthHeader, TlsSettings tls, RetryPolicy retry,
                             Duration connectTimeout, Duration requestTimeout) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";

    private static final int MAX_MILLIS = 600_000;

    public static RegistryConfig from(Map<String, ?> properties) {
        ConfigValues config = new ConfigValues(properties);
        int initialWait = config.integer(RETRIES_WAIT_MS, 100, 0, MAX_MILLIS);
        int maxWait = config.integer(RETRIES_MAX_WAIT_MS, 5_000, 0, MAX_MILLIS);
        if (maxWait < initialWait) {
            throw new ConfigException(RETRIES_MAX_WAIT_MS, maxWait, "must be >= " + RETRIES_WAIT_MS + " ("
                    + initialWait + ")");
        }
        return new RegistryConfig(
                url(config),
                basicAuthHeader(config),
                TlsSettings.from(config),
                new RetryPolicy(config.integer(MAX_RETRIES, 3, 0, 100), Duration.ofMillis(initialWait),
                        Duration.ofMillis(maxWait)),
                Duration.ofMillis(config.integer(CONNECT_TIMEOUT_MS, 10_000, 1, MAX_MILLIS)),
                Duration.ofMillis(config.integer(READ_TIMEOUT_MS, 30_000, 1, MAX_MILLIS)));
    }

    private static URI url(ConfigValues config) {
        String text = config.requiredString(URL);
        if (text.contains(",")) {
            throw new ConfigException(URL, text, "lists several URLs; this client takes exactly one");
        }
        URI url;
        try {
            url = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL, text, "is not a URL: " + e.getMessage());
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new ConfigException(URL, text, "must be an http:// or https:// URL with a host");
        }
        return url;
    }

    private static Optional<String> basicAuthHeader(ConfigValues config) {
        String source = config.string(BASIC_AUTH_SOURCE).orElse("USER_INFO");
        if (!source.equals("USER_INFO")) {
            throw new ConfigException(BASIC_AUTH_SOURCE, source, "only USER_INFO is supported");
        }
        return config.string(BASIC_AUTH_USER_INFO).map(userInfo -> {
            if (userInfo.indexOf(':') < 1) {
                throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]", "must be user:password");
            }
            return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        });
    }

    @Override
    public String toString() {
        // the header carries the password
        return "RegistryConfig[url=" + url + ", basicAuth=" + basicAuthHeader.isPresent() + ", tls=" + tls
                + ", retry=" + retry + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + "]";
    }
}
