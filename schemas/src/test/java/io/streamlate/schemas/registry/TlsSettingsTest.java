package io.streamlate.schemas.registry;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Building the SSLContext from Confluent's store keys, on a PKCS12 store made by the JDK's keytool. */
class TlsSettingsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path directory;
    private static Path store;

    @BeforeAll
    static void createKeyStore() throws Exception {
        store = directory.resolve("registry.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "1",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    }

    @Test
    void buildsAContextWithTrustAndClientKeys() {
        TlsSettings tls = settings(Map.of(
                TlsSettings.TRUSTSTORE_LOCATION, store.toString(), TlsSettings.TRUSTSTORE_PASSWORD, PASSWORD,
                TlsSettings.KEYSTORE_LOCATION, store.toString(), TlsSettings.KEYSTORE_PASSWORD, PASSWORD,
                TlsSettings.KEYSTORE_TYPE, "PKCS12"));

        SSLContext context = tls.sslContext();

        assertThat(tls.usesJdkDefaults()).isFalse();
        assertThat(context.getProtocol()).isEqualTo("TLS");
        assertThat(context.createSSLEngine().getSupportedCipherSuites()).isNotEmpty();
        assertThat(tls.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void aWrongTruststorePasswordNamesTheStoreKeys() {
        TlsSettings tls = settings(Map.of(TlsSettings.TRUSTSTORE_LOCATION, store.toString(),
                TlsSettings.TRUSTSTORE_PASSWORD, "wrong"));

        assertThatThrownBy(tls::sslContext)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TlsSettings.TRUSTSTORE_LOCATION)
                .hasMessageContaining(TlsSettings.TRUSTSTORE_PASSWORD);
    }

    @Test
    void aWrongStoreTypeIsReported() {
        TlsSettings tls = settings(Map.of(TlsSettings.KEYSTORE_LOCATION, store.toString(),
                TlsSettings.KEYSTORE_PASSWORD, PASSWORD, TlsSettings.KEYSTORE_TYPE, "JCEKS"));

        assertThatThrownBy(tls::sslContext)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TlsSettings.KEYSTORE_LOCATION);
    }

    @Test
    void theClientTrustsARegistryCertificateFromTheTruststoreOnly() throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(settings(Map.of(
                TlsSettings.KEYSTORE_LOCATION, store.toString(), TlsSettings.KEYSTORE_PASSWORD, PASSWORD))
                .sslContext()));
        server.createContext("/", exchange -> {
            byte[] body = "{\"schema\":\"\\\"string\\\"\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort();
            SchemaRegistryClient trusting = new SchemaRegistryClient(RegistryConfig.from(Map.of(
                    RegistryConfig.URL, url,
                    TlsSettings.TRUSTSTORE_LOCATION, store.toString(), TlsSettings.TRUSTSTORE_PASSWORD, PASSWORD)));
            SchemaRegistryClient jdkDefaults = new SchemaRegistryClient(RegistryConfig.from(Map.of(
                    RegistryConfig.URL, url, RegistryConfig.MAX_RETRIES, "0")));

            assertThat(trusting.schemaById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
            assertThatThrownBy(() -> jdkDefaults.schemaById(1))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasRootCauseInstanceOf(CertPathBuilderException.class);
        } finally {
            server.stop(0);
        }
    }

    private static TlsSettings settings(Map<String, String> properties) {
        return TlsSettings.from(new ConfigValues(properties));
    }
}
