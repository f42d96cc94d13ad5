package io.streamlate.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS material made at test time with the JDK's own {@code keytool}, in a temporary directory that {@link #close()}
 * removes: a CA, a broker key pair signed by it for {@code IP:127.0.0.1} and {@code DNS:localhost}, a PKCS12 key
 * store holding the broker's chain and a PKCS12 trust store holding only the CA, for clients. Nothing is committed
 * to the repository and nothing outlives the test; one random password protects both stores.
 *
 * @param directory  where the files lie
 * @param keyStore   the broker's key store (its key and the chain up to the CA)
 * @param trustStore the clients' trust store (the CA's certificate)
 * @param password   the password of both stores and of the broker's key
 */
public record TlsMaterial(Path directory, Path keyStore, Path trustStore, String password) implements AutoCloseable {

    public static final String STORE_TYPE = "PKCS12";
    private static final String VALIDITY_DAYS = "2";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Generates a fresh CA, broker certificate and stores. */
    public static TlsMaterial generate() {
        Path directory = TempDirectories.create("streamlate-tls-");
        try {
            String password = randomHex(12);
            Path ca = directory.resolve("ca.p12");
            Path keyStore = directory.resolve("broker.p12");
            Path trustStore = directory.resolve("truststore.p12");
            Path caCertificate = directory.resolve("ca.crt");
            Path request = directory.resolve("broker.csr");
            Path brokerCertificate = directory.resolve("broker.crt");
            keytool(directory, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    // a name of its own: a client trusting another run's CA then fails to build a path rather than
                    // finding a same-named CA whose signature does not match
                    "-dname", "CN=streamlate test CA " + randomHex(4), "-ext", "bc:c",
                    "-validity", VALIDITY_DAYS,
                    "-keystore", ca.toString(), "-storetype", STORE_TYPE, "-storepass", password);
            keytool(directory, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(),
                    "-storepass", password, "-file", caCertificate.toString());
            keytool(directory, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-validity", VALIDITY_DAYS,
                    "-keystore", keyStore.toString(), "-storetype", STORE_TYPE, "-storepass", password);
            keytool(directory, "-certreq", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", password,
                    "-file", request.toString());
            keytool(directory, "-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password,
                    "-infile", request.toString(), "-outfile", brokerCertificate.toString(),
                    "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-validity", VALIDITY_DAYS);
            // the CA first, so that keytool can chain the signed certificate to it when replacing the broker's
            keytool(directory, "-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate.toString(),
                    "-keystore", keyStore.toString(), "-storepass", password);
            keytool(directory, "-importcert", "-alias", "broker", "-file", brokerCertificate.toString(),
                    "-keystore", keyStore.toString(), "-storepass", password);
            keytool(directory, "-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate.toString(),
                    "-keystore", trustStore.toString(), "-storetype", STORE_TYPE, "-storepass", password);
            return new TlsMaterial(directory, keyStore, trustStore, password);
        } catch (RuntimeException | Error e) {
            TempDirectories.delete(directory);
            throw e;
        }
    }

    /** Deletes the directory and every file in it. */
    @Override
    public void close() {
        TempDirectories.delete(directory);
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void keytool(Path directory, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        // to a file rather than a pipe: a keytool that hangs cannot block the read past the timeout
        Path output = directory.resolve("keytool.log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + arguments[0] + " did not finish within "
                        + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed (exit " + process.exitValue()
                        + "): " + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
