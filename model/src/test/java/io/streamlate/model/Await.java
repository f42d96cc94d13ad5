package io.streamlate.model;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded poll of an observable condition, for what other threads (or processes) finish: the one way the tests of
 * every module wait on state instead of sleeping.
 */
public final class Await {

    private Await() {
    }

    public static void until(String what, Duration patience, BooleanSupplier condition) {
        until(() -> what, patience, condition);
    }

    /** @param what described when the wait fails, so it may say what was seen by then */
    public static void until(Supplier<String> what, Duration patience, BooleanSupplier condition) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(() -> what.get() + " within " + patience).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
