package io.streamlate.local;

import java.net.URI;

/**
 * The parent JVM of {@link NginxTlsProxyTest}'s orphan test: starts an {@link NginxTlsProxy}, prints its URL on one
 * line and sleeps until killed, never closing the proxy.
 */
public final class NginxTlsProxyParent {

    private NginxTlsProxyParent() {
    }

    public static void main(String[] arguments) throws InterruptedException {
        NginxTlsProxy proxy = NginxTlsProxy.start(URI.create("http://127.0.0.1:9"), "streamlate", "unused");
        System.out.println(proxy.url());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
