package io.streamlate.topology.processing;

import io.streamlate.model.LanguagePair;
import io.streamlate.model.batching.BatchItem;
import io.streamlate.model.batching.MicroBatcher;

import java.time.Duration;

/**
 * What {@link TranslationProcessor} needs of the shared {@link MicroBatcher}: a seam so the processor tests decide
 * when and in which order items complete.
 */
public interface BatchSubmitter {

    /** True when a model serves {@code pair}. */
    boolean supports(LanguagePair pair);

    /** {@link MicroBatcher#offer}: false if there was no room for {@code timeout}. */
    <C> boolean offer(BatchItem<C> item, Duration timeout) throws InterruptedException;

    static BatchSubmitter of(MicroBatcher batcher) {
        return new BatchSubmitter() {
            @Override
            public boolean supports(LanguagePair pair) {
                return batcher.supports(pair);
            }

            @Override
            public <C> boolean offer(BatchItem<C> item, Duration timeout) throws InterruptedException {
                return batcher.offer(item, timeout);
            }
        };
    }
}
