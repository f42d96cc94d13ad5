package io.streamlate.topology.app;

import io.streamlate.local.TlsMaterial;
import io.streamlate.schemas.registry.RegistryConfig;
import io.streamlate.schemas.registry.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
        Map<String, String> environment = configMapData(Files.readAllLines(DEPLOY.resolve("k8s/base/configmap.yaml")));
        environment.putAll(patchedData(Files.readAllLines(DEPLOY.resolve("k8s/overlays/secured/kustomization.yaml"))));
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

    /** The {@code data:} entries of a ConfigMap, one {@code KEY: value} a line. */
    private static Map<String, String> configMapData(List<String> lines) {
        Map<String, String> data = new LinkedHashMap<>();
        boolean inData = false;
        for (String line : lines) {
            if (line.startsWith("data:")) {
                inData = true;
            } else if (inData && line.startsWith("  ") && line.contains(": ") && !line.trim().startsWith("#")) {
                String[] entry = line.trim().split(": ", 2);
                data.put(entry[0], unquoted(entry[1]));
            } else if (inData && !line.isBlank() && !line.startsWith(" ")) {
                inData = false;
            }
        }
        return data;
    }

    /**
     * What the overlay's JSON patches add to or replace in {@code /data}: each {@code path: /data/KEY} with the
     * {@code value:} after it, a folded ({@code >-}) value joined with spaces as YAML does.
     */
    private static Map<String, String> patchedData(List<String> lines) {
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.startsWith("path: /data/")) {
                continue;
            }
            String key = line.substring("path: /data/".length());
            String value = lines.get(++i).trim().substring("value: ".length());
            if (value.equals(">-")) {
                StringBuilder folded = new StringBuilder();
                int indent = indent(lines.get(i));
                while (i + 1 < lines.size() && indent(lines.get(i + 1)) > indent) {
                    folded.append(folded.isEmpty() ? "" : " ").append(lines.get(++i).trim());
                }
                value = folded.toString();
            }
            data.put(key, unquoted(value));
        }
        return data;
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    private static String unquoted(String value) {
        return value.replaceAll("^\"|\"$", "");
    }
}
