package io.streamlate.topology.app;

import io.streamlate.model.LanguagePair;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.topology.registry.RegistryHealth;
import io.streamlate.topology.observability.Progress;
import io.streamlate.topology.observability.StreamlateMetrics;
import io.streamlate.topology.processing.ProcessingListener;
import io.streamlate.topology.view.RecentTranslations;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes what the instance's processors report: dead letters and end-to-end latency to the metrics, registry
 * failures to the registry health (which the backpressure controller and the processors' retry gate read), the
 * count of pending inputs to a gauge, and published translations to the live view's window.
 */
final class InstanceListener implements ProcessingListener {

    private final StreamlateMetrics metrics;
    private final RegistryHealth registry;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong lastOutputNanos = new AtomicLong(System.nanoTime());
    private final Duration stallAfter;
    private final RecentTranslations recent;

    /** @param stallAfter how long pending inputs may go without any output before readiness says stalled */
    InstanceListener(StreamlateMetrics metrics, RegistryHealth registry, Duration stallAfter,
                     RecentTranslations recent) {
        this.metrics = metrics;
        this.registry = registry;
        this.stallAfter = stallAfter;
        this.recent = recent;
    }

    @Override
    public void deadLettered(ErrorClass errorClass) {
        lastOutputNanos.set(System.nanoTime());
        metrics.deadLettered(errorClass.name());
    }

    @Override
    public void translated(LanguagePair pair, long endToEndMs) {
        lastOutputNanos.set(System.nanoTime());
        metrics.forwarded(pair, Duration.ofMillis(endToEndMs));
    }

    @Override
    public void published(Translation translation, Alignment alignment) {
        recent.offer(translation, alignment);
    }

    @Override
    public void pendingChanged(int delta) {
        pending.addAndGet(delta);
    }

    @Override
    public void registryFailed(SchemaRegistryException error) {
        registry.failed(error);
    }

    /** Inputs the instance's tasks hold pending now. */
    int pending() {
        return pending.get();
    }

    /** What readiness reads of the outputs' pace. */
    Progress progress() {
        return new Progress(pending.get(), Duration.ofNanos(System.nanoTime() - lastOutputNanos.get()), stallAfter);
    }
}
