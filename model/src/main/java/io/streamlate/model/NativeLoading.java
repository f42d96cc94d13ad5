package io.streamlate.model;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs native model loading (SentencePiece, ONNX Runtime session creation and its first run) on a thread with a
 * large stack. Measured: the streamlate application's main thread, at the JVM's default 1 MiB stack, died with
 * SIGSEGV inside this loading (no hs_err file: a native stack overflow), and ran cleanly at 2 MiB. The depth
 * depends on the caller's own frames, so no caller can be trusted to have enough; loading is rare, so a
 * short-lived thread per load costs nothing that matters.
 */
final class NativeLoading {

    static final long STACK_BYTES = 16L * 1024 * 1024;

    private NativeLoading() {
    }

    static <T> T onLargeStack(String what, Supplier<T> loading) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.set(loading.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "streamlate-native-loading", STACK_BYTES);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                // the load cannot be abandoned half-way (it owns native memory); finish, then restore the flag
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        if (t != null) {
            throw new IllegalStateException("unexpected checked exception while trying to " + what, t);
        }
        return result.get();
    }
}
