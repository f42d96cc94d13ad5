package io.streamlate.topology.app;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentSettingsTest {

    @Test
    void kafkaAndStreamlateVariablesMapToTheirKeysAndOthersAreIgnored() {
        Map<String, String> settings = EnvironmentSettings.from(Map.of(
                "STREAMLATE_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "STREAMLATE_KAFKA_SCHEMA_REGISTRY_URL", "http://registry:8081",
                "STREAMLATE_KAFKA_SASL_JAAS_CONFIG", "module required;",
                "STREAMLATE_BATCH_MAX_SENTENCES", "32",
                "STREAMLATE_MODELS", "/models/en-fr,/models/de-en",
                "STREAMLATE_KAFKA_", "ignored: no name",
                "STREAMLATE_", "ignored: no name",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "PATH", "/usr/bin"));
        assertThat(settings).containsExactly(
                Map.entry("bootstrap.servers", "broker:9092"),
                Map.entry("sasl.jaas.config", "module required;"),
                Map.entry("schema.registry.url", "http://registry:8081"),
                Map.entry("streamlate.batch.max.sentences", "32"),
                Map.entry("streamlate.models", "/models/en-fr,/models/de-en"));
    }

    @Test
    void doubleUnderscoresKeepAnUnderscore() {
        assertThat(EnvironmentSettings.key("SOME__ODD_KEY")).isEqualTo("some_odd.key");
        assertThat(EnvironmentSettings.key("APPLICATION_ID")).isEqualTo("application.id");
    }
}
