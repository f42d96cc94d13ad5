package io.streamlate.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx in a child process, terminating TLS on 127.0.0.1 in front of a plain-HTTP server and demanding
 * HTTP basic auth of one user: what a registry behind a TLS-terminating reverse proxy looks like to its clients.
 * The certificate is a fresh {@link SelfSignedTls}; clients trust it through {@link #writeTruststore}. The password
 * is kept only as a hash in the proxy's {@code htpasswd}, and the Authorization header is not passed upstream.
 *
 * <p>{@link #start} returns once the port accepts connections; {@link #close()} stops nginx and removes its working
 * directory (configuration, key, logs). nginx is no JVM, so {@link ParentWatchdog} cannot watch it: a small
 * {@code sh} wrapper holds the same lifeline instead, this JVM's pipe on its standard input, and stops nginx at end
 * of file, which comes when {@link #close()} closes the pipe or when this JVM dies, however it dies.
 */
public final class NginxTlsProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NginxTlsProxy.class);
    /** Where Debian's package puts it; /usr/sbin is not on every user's PATH. */
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String ERROR_LOG = "error.log";
    /**
     * $1 nginx, $2 prefix, $3 configuration, $4 error log. An asynchronous command's standard input is /dev/null,
     * so the lifeline is handed to the watcher as descriptor 3.
     */
    private static final String WRAPPER = """
            exec 3<&0
            "$1" -p "$2" -c "$3" -e "$4" -g 'daemon off;' </dev/null &
            nginx=$!
            { cat <&3 >/dev/null; kill "$nginx" 2>/dev/null; } &
            wait "$nginx"
            """;

    private final Process process;
    private final Path workDirectory;
    private final SelfSignedTls tls;
    private final int port;

    private NginxTlsProxy(Process process, Path workDirectory, SelfSignedTls tls, int port) {
        this.process = process;
        this.workDirectory = workDirectory;
        this.tls = tls;
        this.port = port;
    }

    /** Starts nginx proxying {@code https://127.0.0.1:<port>/…} to {@code upstream} for {@code user} only. */
    public static NginxTlsProxy start(URI upstream, String user, String password) {
        if (!Files.isExecutable(NGINX)) {
            throw new IllegalStateException(NGINX + " not found: install Debian's nginx (apt-get install nginx; "
                    + "CI installs .ci/debian-packages.txt)");
        }
        Path workDirectory = TempDirectories.create("streamlate-nginx-");
        try {
            SelfSignedTls tls = SelfSignedTls.create(workDirectory);
            Path passwords = workDirectory.resolve("htpasswd");
            String hash = SelfSignedTls.openssl(password + "\n", "passwd", "-apr1", "-stdin").strip();
            Files.writeString(passwords, user + ":" + hash + "\n");
            int port = LoopbackPorts.free();
            Path configuration = workDirectory.resolve("nginx.conf");
            Files.writeString(configuration, configuration(workDirectory, port, tls, passwords, upstream));
            Process process = new ProcessBuilder(List.of("sh", "-c", WRAPPER, "nginx-tls-proxy", NGINX.toString(),
                    workDirectory + "/", configuration.toString(), workDirectory.resolve(ERROR_LOG).toString()))
                    .directory(workDirectory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE) // the lifeline: never written to
                    .redirectErrorStream(true)
                    .redirectOutput(workDirectory.resolve("nginx.out").toFile())
                    .start();
            NginxTlsProxy proxy = new NginxTlsProxy(process, workDirectory, tls, port);
            try {
                proxy.awaitListening();
            } catch (RuntimeException e) {
                String errors = proxy.errorLog();
                proxy.close();
                throw new IllegalStateException(e.getMessage() + "; its error log:\n" + errors, e);
            }
            log.info("nginx terminates TLS with basic auth on https://{}:{} for {}", LoopbackPorts.HOST, port,
                    upstream);
            return proxy;
        } catch (IOException e) {
            TempDirectories.delete(workDirectory);
            throw new UncheckedIOException("cannot start nginx", e);
        } catch (RuntimeException e) {
            if (Files.exists(workDirectory)) {
                TempDirectories.delete(workDirectory);
            }
            throw e;
        }
    }

    private static String configuration(Path prefix, int port, SelfSignedTls tls, Path passwords, URI upstream) {
        // as root, nginx's workers would run as nobody, who cannot read this JVM's private temporary directory
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return user + """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/%2$s info;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    # Debian's built-in temporary paths are under /var/lib/nginx, which only root may write
                    client_body_temp_path %1$s/client-body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen %3$s:%4$d ssl;
                        ssl_certificate %5$s;
                        ssl_certificate_key %6$s;
                        auth_basic "streamlate";
                        auth_basic_user_file %7$s;
                        client_max_body_size 16m;
                        location / {
                            proxy_pass %8$s;
                            proxy_set_header Authorization "";
                        }
                    }
                }
                """.formatted(prefix, ERROR_LOG, LoopbackPorts.HOST, port, tls.certificate(), tls.privateKey(),
                passwords, "http://" + upstream.getHost() + ":" + upstream.getPort());
    }

    /** The proxy's base URL, {@code https://127.0.0.1:<port>}. */
    public URI url() {
        return URI.create("https://" + LoopbackPorts.HOST + ":" + port);
    }

    /** {@code upstreamUrl}'s path and query, reached through the proxy. */
    public URI proxied(URI upstreamUrl) {
        return url().resolve(upstreamUrl.getRawPath() + (upstreamUrl.getRawQuery() == null ? ""
                : "?" + upstreamUrl.getRawQuery()));
    }

    /** A PKCS12 trust store that trusts this proxy's certificate alone. */
    public Path writeTruststore(Path file, String password) {
        return tls.writeTruststore(file, password);
    }

    /** Stops nginx (forcibly after 10 s) and deletes its working directory. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // end of the lifeline: the wrapper stops nginx
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        TempDirectories.delete(workDirectory);
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with status " + process.exitValue()
                        + " before it listened on port " + port);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LoopbackPorts.HOST, port), 1_000);
                return;
            } catch (IOException notListeningYet) {
                // refused until nginx has bound its port
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for nginx", e);
            }
        }
        throw new IllegalStateException("nginx did not listen on port " + port + " within " + READY_TIMEOUT);
    }

    private String errorLog() {
        try {
            return Files.readString(workDirectory.resolve(ERROR_LOG)).strip();
        } catch (IOException e) {
            return "(none: " + e.getMessage() + ")";
        }
    }
}
