package io.streamlate.local;

/**
 * The parent JVM of {@link ApicurioRegistryTest}'s orphan test: starts an Apicurio Registry, prints its pid and URL
 * on one line and sleeps until killed, never closing the registry.
 */
public final class RegistryParent {

    private RegistryParent() {
    }

    public static void main(String[] arguments) throws InterruptedException {
        ApicurioRegistry registry = ApicurioRegistry.start();
        System.out.println(registry.pid() + " " + registry.url());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
