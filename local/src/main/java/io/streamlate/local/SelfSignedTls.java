package io.streamlate.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh self-signed certificate for {@code 127.0.0.1} and {@code localhost}, valid one day, made by
 * {@code openssl}: PEM files for a TLS server such as nginx, and a PKCS12 trust store holding only this certificate
 * for the clients that must trust it ({@link #writeTruststore}). Made at test time, so no key is ever committed.
 *
 * @param certificate the certificate, PEM
 * @param privateKey  its unencrypted EC private key, PEM
 */
public record SelfSignedTls(Path certificate, Path privateKey) {

    private static final long OPENSSL_TIMEOUT_SECONDS = 60;

    /** Writes {@code certificate.pem} and {@code private-key.pem} into {@code directory}. */
    public static SelfSignedTls create(Path directory) {
        SelfSignedTls tls = new SelfSignedTls(directory.resolve("certificate.pem"),
                directory.resolve("private-key.pem"));
        openssl("", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", tls.privateKey.toString(), "-out", tls.certificate.toString(), "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        return tls;
    }

    /** A PKCS12 store at {@code file} whose one trusted entry is this certificate. */
    public Path writeTruststore(Path file, String password) {
        try (InputStream in = Files.newInputStream(certificate); OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("self-signed", CertificateFactory.getInstance("X.509").generateCertificate(in));
            store.store(out, password.toCharArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trust store " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust store from " + certificate, e);
        }
    }

    /** Runs {@code openssl arguments…} with {@code input} on its standard input and returns its standard output. */
    static String openssl(String input, String... arguments) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl " + arguments[0] + " did not finish within "
                        + OPENSSL_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + arguments[0] + " failed with status "
                        + process.exitValue() + ": " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (Debian package openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
