package io.streamlate.topology.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of a real server that holds each chunk of the server's answers for a settable
 * delay: a registry that answers, slowly. Written here because the usual tool for this (Toxiproxy) is a separate
 * server not available on this machine; a hundred lines of sockets do what these tests need.
 */
public final class SlowProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Duration delay;

    private SlowProxy(ServerSocket listener, InetSocketAddress upstream, Duration delay) {
        this.listener = listener;
        this.upstream = upstream;
        this.delay = delay;
    }

    public static SlowProxy start(String upstreamHost, int upstreamPort, Duration delay) throws IOException {
        SlowProxy proxy = new SlowProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                new InetSocketAddress(upstreamHost, upstreamPort), delay);
        daemon("slow-proxy-accept", proxy::accept);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far: one per request the client could not send on a kept-alive connection. */
    public int connections() {
        return connections.get();
    }

    public void delay(Duration delay) {
        this.delay = delay;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                Socket server = new Socket(upstream.getAddress(), upstream.getPort());
                sockets.add(client);
                sockets.add(server);
                daemon("slow-proxy-up", () -> pump(client, server, false));
                daemon("slow-proxy-down", () -> pump(server, client, true));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean slow) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                if (slow) {
                    Thread.sleep(delay.toMillis()); // the point of this proxy: answers come late
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed: closing both ends the other pump too
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(SlowProxy::closeQuietly);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
