package io.streamlate.schemas.registry;

import org.apache.kafka.common.config.ConfigException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

/**
 * The stores an HTTPS connection to the registry uses, under Confluent's keys: a truststore to verify the registry
 * (absent: the JDK's default trust) and a keystore for client certificates (absent: none). Store types default to
 * the JDK's ({@code PKCS12}).
 */
public record TlsSettings(Optional<Store> truststore, Optional<Store> keystore, Optional<String> keyPassword) {

    static final String PREFIX = "schema.registry.ssl.";
    public static final String TRUSTSTORE_LOCATION = PREFIX + "truststore.location";
    public static final String TRUSTSTORE_PASSWORD = PREFIX + "truststore.password";
    public static final String TRUSTSTORE_TYPE = PREFIX + "truststore.type";
    public static final String KEYSTORE_LOCATION = PREFIX + "keystore.location";
    public static final String KEYSTORE_PASSWORD = PREFIX + "keystore.password";
    public static final String KEYSTORE_TYPE = PREFIX + "keystore.type";
    public static final String KEY_PASSWORD = PREFIX + "key.password";

    public static final TlsSettings JDK_DEFAULTS = new TlsSettings(Optional.empty(), Optional.empty(), Optional.empty());

    /** One key or trust store; the key names are kept so that errors name what the user set. */
    public record Store(Path location, Optional<String> password, String type, String locationKey,
                        String passwordKey) {
        @Override
        public String toString() {
            return "Store[" + locationKey + "=" + location + ", type=" + type + "]";
        }
    }

    static TlsSettings from(ConfigValues config) {
        return new TlsSettings(
                store(config, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE),
                store(config, KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE),
                config.string(KEY_PASSWORD));
    }

    @Override
    public String toString() {
        return "TlsSettings[truststore=" + truststore + ", keystore=" + keystore + "]";
    }

    public boolean usesJdkDefaults() {
        return truststore.isEmpty() && keystore.isEmpty();
    }

    /** Loads the stores; every failure names the key of the store that failed. */
    public SSLContext sslContext() {
        try {
            KeyManager[] keyManagers = null;
            if (keystore.isPresent()) {
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                Store store = keystore.get();
                char[] password = keyPassword.or(store::password).map(String::toCharArray).orElse(null);
                try {
                    factory.init(load(store), password);
                } catch (GeneralSecurityException e) {
                    throw new ConfigException("cannot read the private key of " + store.location() + " ("
                            + KEY_PASSWORD + " or " + store.passwordKey() + " wrong?): " + e.getMessage());
                }
                keyManagers = factory.getKeyManagers();
            }
            TrustManager[] trustManagers = null;
            if (truststore.isPresent()) {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(
                        TrustManagerFactory.getDefaultAlgorithm());
                factory.init(load(truststore.get()));
                trustManagers = factory.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot build a TLS context for the schema registry: " + e.getMessage());
        }
    }

    private static Optional<Store> store(ConfigValues config, String locationKey, String passwordKey,
                                         String typeKey) {
        return config.string(locationKey).map(location -> {
            Path path = Path.of(location);
            if (!Files.isReadable(path)) {
                throw new ConfigException(locationKey, location, "is not a readable file");
            }
            return new Store(path, config.string(passwordKey), config.string(typeKey)
                    .orElse(KeyStore.getDefaultType()), locationKey, passwordKey);
        });
    }

    private static KeyStore load(Store store) {
        try (InputStream in = Files.newInputStream(store.location())) {
            KeyStore keyStore = KeyStore.getInstance(store.type());
            keyStore.load(in, store.password().map(String::toCharArray).orElse(null));
            return keyStore;
        } catch (IOException | GeneralSecurityException e) {
            // a wrong password surfaces as an IOException whose cause is an UnrecoverableKeyException
            throw new ConfigException("cannot load " + store.location() + " (" + store.locationKey() + "; "
                    + store.passwordKey() + " wrong?): " + e.getMessage());
        }
    }
}
