package io.streamlate.model;

import java.util.Arrays;
import java.util.List;

/**
 * Hears each input's outcome of one engine call as soon as it is known, on the calling thread: an input the engine
 * rejects at once, a sentence when its own search ends (not when the call's longest does), the rest when their
 * inference fails.
 */
@FunctionalInterface
public interface OutcomeSink {

    /** @param input the input's index in the call; called exactly once per input */
    void accept(int input, TranslationOutcome outcome);

    /** Collects a call's outcomes in input order. */
    final class Collected implements OutcomeSink {
        private final TranslationOutcome[] outcomes;

        public Collected(int inputs) {
            outcomes = new TranslationOutcome[inputs];
        }

        @Override
        public void accept(int input, TranslationOutcome outcome) {
            outcomes[input] = outcome;
        }

        public List<TranslationOutcome> inInputOrder() {
            return Arrays.asList(outcomes);
        }
    }
}
