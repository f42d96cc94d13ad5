package io.streamlate.local;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A Java agent for a child JVM that ends the child when its parent process is gone. The parent starts the child with
 * its standard input a pipe whose write end only the parent holds (Java's process launcher closes every other
 * descriptor in the processes it starts), so the kernel closes that end when the parent dies, however it dies, and
 * reading standard input here reaches end of file. The child then exits through {@link System#exit}, running its
 * shutdown hooks, and halts should they take longer than {@value #HOOKS_TIMEOUT_SECONDS} s.
 *
 * <p>This class runs in the child alone, packed into an agent jar by {@link ParentWatchdogJar}, so it uses nothing
 * but the JDK. It owns the child's standard input: the program it watches must not read it.
 */
public final class ParentWatchdog {

    private static final long HOOKS_TIMEOUT_SECONDS = 10;
    private static final int HOOKS_TOO_SLOW_STATUS = 1;

    private ParentWatchdog() {
    }

    /** Called by the JVM before the program's {@code main} when started with {@code -javaagent:<jar>}. */
    public static void premain(String agentArguments) {
        startDaemon(ParentWatchdog::exitAtEndOfInput, "streamlate-parent-watchdog");
    }

    private static void exitAtEndOfInput() {
        String reason;
        try {
            System.in.transferTo(OutputStream.nullOutputStream());
            reason = "end of standard input";
        } catch (IOException e) {
            reason = "standard input failed: " + e.getMessage();
        }
        System.err.println("streamlate parent watchdog: parent process gone (" + reason + "), exiting");
        startDaemon(ParentWatchdog::haltAfterHooksTimeout, "streamlate-parent-watchdog-halt");
        System.exit(0);
    }

    private static void haltAfterHooksTimeout() {
        try {
            Thread.sleep(Duration.ofSeconds(HOOKS_TIMEOUT_SECONDS).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println("streamlate parent watchdog: shutdown hooks still running after "
                + HOOKS_TIMEOUT_SECONDS + " s, halting");
        Runtime.getRuntime().halt(HOOKS_TOO_SLOW_STATUS);
    }

    private static void startDaemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
