package io.streamlate.schemas.registry;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.NginxTlsProxy;
import io.streamlate.schemas.LocalPeers;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client against Apicurio Registry behind nginx, which terminates TLS with a self-signed certificate and demands
 * basic auth: it works with the trust store and the right credentials, and otherwise fails naming the setting to fix
 * and never the password.
 */
@ExtendWith(LocalPeers.class)
class SecuredRegistryClientApicurioTest {

    private static final String USER = "streamlate";
    private static final String PASSWORD = "Reg1stry-pa55";
    private static final String TRUSTSTORE_PASSWORD = "trust-pa55";
    private static final Schema GREETING = SchemaBuilder.record("Greeting").namespace("test.secured").fields()
            .requiredString("text").endRecord();

    @TempDir
    static Path directory;
    private static NginxTlsProxy proxy;
    private static String url;
    private static Path truststore;

    @BeforeAll
    static void startProxy(ApicurioRegistry registry) {
        proxy = NginxTlsProxy.start(registry.url(), USER, PASSWORD);
        url = proxy.proxied(registry.ccompatUrl()).toString();
        truststore = proxy.writeTruststore(directory.resolve("registry-trust.p12"), TRUSTSTORE_PASSWORD);
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void registersAndFetchesThroughTlsWithBasicAuth() {
        SchemaRegistryClient client = client(USER + ":" + PASSWORD);

        int id = client.register("secured-value", GREETING);

        assertThat(url).startsWith("https://");
        assertThat(client(USER + ":" + PASSWORD).schemaById(id)).isEqualTo(GREETING);
        assertThat(client(USER + ":" + PASSWORD).idOf("secured-value", GREETING)).isEqualTo(id);
        assertThatCode(client::checkReachable).doesNotThrowAnyException();
    }

    @Test
    void wrongCredentialsFailAtOnceNamingTheSettingNotThePassword() {
        assertThatThrownBy(() -> client(USER + ":wrong-" + PASSWORD).register("refused-value", GREETING))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e ->
                        assertThat(e.httpStatus()).isEqualTo(OptionalInt.of(401)))
                .hasMessageContaining("the schema registry at " + url + " refused the credentials (401): check "
                        + RegistryConfig.BASIC_AUTH_USER_INFO)
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void noCredentialsSayWhichSettingIsMissing() {
        Map<String, Object> properties = properties(USER + ":" + PASSWORD);
        properties.remove(RegistryConfig.BASIC_AUTH_USER_INFO);

        assertThatThrownBy(() -> new SchemaRegistryClient(RegistryConfig.from(properties)).checkReachable())
                .hasMessageContaining("requires credentials (401): set " + RegistryConfig.BASIC_AUTH_USER_INFO);
    }

    @Test
    void withoutTheTruststoreTheHandshakeErrorNamesItsSetting() {
        Map<String, Object> properties = properties(USER + ":" + PASSWORD);
        properties.remove(TlsSettings.TRUSTSTORE_LOCATION);
        properties.remove(TlsSettings.TRUSTSTORE_PASSWORD);
        properties.put(RegistryConfig.MAX_RETRIES, "0");

        assertThatThrownBy(() -> new SchemaRegistryClient(RegistryConfig.from(properties)).schemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("set " + TlsSettings.TRUSTSTORE_LOCATION + " (unset: the JDK's default trust)")
                .hasMessageNotContaining(PASSWORD);
    }

    private static SchemaRegistryClient client(String userInfo) {
        return new SchemaRegistryClient(RegistryConfig.from(properties(userInfo)));
    }

    private static Map<String, Object> properties(String userInfo) {
        return new HashMap<>(Map.of(
                RegistryConfig.URL, url,
                RegistryConfig.BASIC_AUTH_SOURCE, "USER_INFO",
                RegistryConfig.BASIC_AUTH_USER_INFO, userInfo,
                TlsSettings.TRUSTSTORE_LOCATION, truststore.toString(),
                TlsSettings.TRUSTSTORE_PASSWORD, TRUSTSTORE_PASSWORD,
                TlsSettings.TRUSTSTORE_TYPE, "PKCS12"));
    }
}
