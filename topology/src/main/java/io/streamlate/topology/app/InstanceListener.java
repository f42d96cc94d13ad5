package io.streamlate.topology.app;

import io.streamlate.model.LanguagePair;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.topology.backpressure.BackpressureController;
import io.streamlate.topology.observability.StreamlateMetrics;
import io.streamlate.topology.processing.ProcessingListener;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routes what the instance's processors report: dead letters and end-to-end latency to the metrics, registry
 * failures to the backpressure controller, and the count of pending inputs to a gauge.
 */
final class InstanceListener implements ProcessingListener {

    private final StreamlateMetrics metrics;
    private final BackpressureController backpressure;
    private final AtomicInteger pending = new AtomicInteger();

    InstanceListener(StreamlateMetrics metrics, BackpressureController backpressure) {
        this.metrics = metrics;
        this.backpressure = backpressure;
    }

    @Override
    public void deadLettered(ErrorClass errorClass) {
        metrics.deadLettered(errorClass.name());
    }

    @Override
    public void translated(LanguagePair pair, long endToEndMs) {
        metrics.forwarded(pair, Duration.ofMillis(endToEndMs));
    }

    @Override
    public void pendingChanged(int delta) {
        pending.addAndGet(delta);
    }

    @Override
    public void registryFailed(SchemaRegistryException error) {
        backpressure.registryFailed();
    }

    /** Inputs the instance's tasks hold pending now. */
    int pending() {
        return pending.get();
    }
}
