package io.streamlate.local;

/**
 * A program for {@link ParentWatchdogTest} to watch: prints {@code ready} and sleeps. With the argument
 * {@code stuck-shutdown-hook} it first installs a shutdown hook that never returns.
 */
public final class SleepUntilStopped {

    private SleepUntilStopped() {
    }

    public static void main(String[] arguments) throws InterruptedException {
        if (arguments.length == 1 && arguments[0].equals("stuck-shutdown-hook")) {
            Runtime.getRuntime().addShutdownHook(new Thread(SleepUntilStopped::sleepForever));
        }
        System.out.println("ready");
        System.out.flush();
        sleepForever();
    }

    private static void sleepForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
