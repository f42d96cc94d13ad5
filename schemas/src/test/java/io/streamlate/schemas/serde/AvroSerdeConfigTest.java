package io.streamlate.schemas.serde;

import io.streamlate.schemas.registry.RegistryConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeConfigTest {

    private static final String URL = "http://registry:8081";

    @Test
    void defaultsToAutoRegistrationAndFourMebibytes() {
        AvroSerdeConfig config = AvroSerdeConfig.from(Map.of(RegistryConfig.URL, URL));

        assertThat(config.autoRegister()).isTrue();
        assertThat(config.maxPayloadBytes()).isEqualTo(4 << 20);
        assertThat(config.registry().url()).hasToString(URL);
    }

    @Test
    void subjectsFollowTheTopicNameStrategy() {
        assertThat(AvroSerdeConfig.subject("sentences", false)).isEqualTo("sentences-value");
        assertThat(AvroSerdeConfig.subject("sentences", true)).isEqualTo("sentences-key");
        assertThat(AvroSerdeConfig.from(Map.of(RegistryConfig.URL, URL, "value.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.TopicNameStrategy")).autoRegister()).isTrue();
    }

    @Test
    void anotherSubjectNameStrategyIsRejectedRatherThanIgnored() {
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of(RegistryConfig.URL, URL, "key.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.RecordNameStrategy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key.subject.name.strategy")
                .hasMessageContaining("only TopicNameStrategy is supported");
    }

    @Test
    void badSerdeSettingsNameTheirKey() {
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of(RegistryConfig.URL, URL,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "yes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auto.register.schemas")
                .hasMessageContaining("must be true or false");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of(RegistryConfig.URL, URL,
                AvroSerdeConfig.MAX_PAYLOAD_BYTES, "4")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlate.serde.max.payload.bytes")
                .hasMessageContaining("must be between 5 and");
    }
}
