package io.streamlate.topology.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The environment the deployment files give the workers (deploy/compose/streamlate.env, the Kubernetes ConfigMap)
 * is a configuration this code accepts: every variable maps to a known key with a valid value. A renamed key or a
 * typo in deploy/ fails here, not at a pod's start.
 */
class DeploymentSettingsTest {

    private static final Path DEPLOY = Path.of("..", "deploy");

    @Test
    void theComposeWorkersEnvironmentIsAValidConfiguration() throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DEPLOY.resolve("compose/streamlate.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int equals = line.indexOf('=');
                environment.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        ServiceConfig config = ServiceConfig.build(ServiceConfig.layered(new Properties(), environment, Map.of()));

        assertThat(config.streams().getProperty("bootstrap.servers")).isEqualTo("kafka:9092");
        assertThat(config.serdes()).containsEntry("schema.registry.url", "http://schema-registry:8081");
        assertThat(config.topology().inputTopic()).isEqualTo("sentences");
    }

    @Test
    void theKubernetesConfigMapIsAValidConfiguration() throws IOException {
        Map<String, String> environment = DeploymentFiles.configMapData(Files.readAllLines(
                DEPLOY.resolve("k8s/base/configmap.yaml")));
        assertThat(environment).containsKey("STREAMLATE_KAFKA_BOOTSTRAP_SERVERS");
        ServiceConfig config = ServiceConfig.build(ServiceConfig.layered(new Properties(), environment, Map.of()));

        assertThat(config.streams().getProperty("state.dir")).isEqualTo("/var/lib/streamlate/state");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.topology().batchPolicy().maxSentences()).isEqualTo(64);
    }
}
