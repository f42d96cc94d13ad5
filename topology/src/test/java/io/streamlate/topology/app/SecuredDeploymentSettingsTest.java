package io.streamlate.topology.app;

import io.streamlate.local.TlsMaterial;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The environment deploy/k8s/overlays/secured gives the workers (the base ConfigMap with the overlay's patches) is a
 * configuration this code accepts and resolves: with the Secret's files where the overlay mounts them, every
 * {@code ${directory:...}} reference reads its file, and the described configuration shows none of them.
 */
class SecuredDeploymentSettingsTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final String MOUNT = "/etc/streamlate/secrets";

    @Test
    void theSecuredOverlaysEnvironmentResolvesEverySecretFromTheMountedFiles(@TempDir Path secrets)
            throws IOException {
        Map<String, String> environment = DeploymentFiles.configMapData(Files.readAllLines(DEPLOY.resolve("k8s/base/configmap.yaml")));
        environment.putAll(DeploymentFiles.patchedData(Files.readAllLines(DEPLOY.resolve("k8s/overlays/secured/kustomization.yaml"))));
        environment.replaceAll((name, value) -> value.replace(MOUNT, secrets.toString())); // where the test mounts
        try (TlsMaterial tls = TlsMaterial.generate()) {
            Files.copy(tls.trustStore(), secrets.resolve("truststore.p12"));
            Files.writeString(secrets.resolve("truststore-password"), tls.password());
            Files.writeString(secrets.resolve("kafka-password"), "kafkaSecret3");
            Files.writeString(secrets.resolve("registry-user-info"), "streamlate:registry-Secret3");

            ServiceConfig config = ServiceConfig.build(ServiceConfig.layered(new Properties(), environment, Map.of()));

            Properties streams = config.streams();
            assertThat(streams.getProperty("security.protocol")).isEqualTo("SASL_SSL");
            assertThat(streams.getProperty("sasl.jaas.config")).isEqualTo("org.apache.kafka.common.security.scram."
                    + "ScramLoginModule required username=\"streamlate\" password=\"kafkaSecret3\";");
            assertThat(streams.getProperty("ssl.truststore.password")).isEqualTo(tls.password());
            assertThat(config.serdes())
                    .containsEntry(RegistryConfig.BASIC_AUTH_USER_INFO, "streamlate:registry-Secret3")
                    .containsEntry(TlsSettings.TRUSTSTORE_PASSWORD, tls.password())
                    .containsEntry(RegistryConfig.URL, "https://schema-registry.kafka.svc.cluster.local:8081");
            assertThat(config.describe()).doesNotContain("kafkaSecret3", "registry-Secret3", tls.password());
        }
    }
}
