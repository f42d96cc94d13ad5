package io.streamlate.schemas.registry;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryConfigTest {

    @Test
    void onlyTheUrlIsRequiredAndATrailingSlashIsDropped() {
        RegistryConfig config = RegistryConfig.from(Map.of(RegistryConfig.URL, "http://registry:8080/apis/ccompat/v7/"));

        assertThat(config.url()).isEqualTo(URI.create("http://registry:8080/apis/ccompat/v7"));
        assertThat(config.basicAuthHeader()).isEmpty();
        assertThat(config.tls().usesJdkDefaults()).isTrue();
        assertThat(config.retry()).isEqualTo(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(5000)));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void typedValuesAsKafkaPassesThemAreAccepted() {
        RegistryConfig config = RegistryConfig.from(Map.of(RegistryConfig.URL, "https://registry",
                RegistryConfig.MAX_RETRIES, 7, RegistryConfig.BASIC_AUTH_USER_INFO, new Password("u:p")));

        assertThat(config.retry().maxRetries()).isEqualTo(7);
        assertThat(config.basicAuthHeader()).contains("Basic dTpw");
    }

    @Test
    void aMissingUrlIsNamed() {
        assertThatThrownBy(() -> RegistryConfig.from(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("schema.registry.url is required");
    }

    @Test
    void badValuesNameTheirKey() {
        assertRejected(RegistryConfig.URL, "ftp://registry", "must be an http:// or https:// URL");
        assertRejected(RegistryConfig.URL, "http://a:8081,http://b:8081", "lists several URLs");
        assertRejected(RegistryConfig.MAX_RETRIES, "three", "must be an integer");
        assertRejected(RegistryConfig.MAX_RETRIES, "-1", "must be between 0 and 100");
        assertRejected(RegistryConfig.READ_TIMEOUT_MS, "0", "must be between 1 and 600000");
        assertRejected(RegistryConfig.RETRIES_MAX_WAIT_MS, "50", "must be >= retries.wait.ms (100)");
        assertRejected(RegistryConfig.BASIC_AUTH_SOURCE, "SASL_INHERIT", "only USER_INFO is supported");
        assertRejected(RegistryConfig.BASIC_AUTH_USER_INFO, "no-colon", "must be user:password");
        assertRejected(TlsSettings.TRUSTSTORE_LOCATION, "/no/such/truststore.p12", "is not a readable file");
    }

    @Test
    void theDescriptionHidesTheCredentials() {
        RegistryConfig config = RegistryConfig.from(Map.of(RegistryConfig.URL, "http://registry",
                RegistryConfig.BASIC_AUTH_USER_INFO, "user:s3cret"));

        assertThat(config.toString()).contains("basicAuth=true").doesNotContain("s3cret").doesNotContain("Basic");
    }

    private static void assertRejected(String key, String value, String reason) {
        Map<String, Object> properties = new HashMap<>(Map.of(RegistryConfig.URL, "http://registry:8081"));
        properties.put(key, value);
        assertThatThrownBy(() -> RegistryConfig.from(properties))
                .as("%s=%s", key, value)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(reason);
    }
}
