package io.streamlate.model.decoding;

/**
 * Hears each sentence's hypothesis as soon as its own search ends, on the searching thread, while the others
 * decode on: a caller can hand a short sentence on without waiting for the longest one beside it.
 */
@FunctionalInterface
public interface FinishedSentences {

    /** @param source the sentence's index in the sources of the search; called once per sentence */
    void finished(int source, Hypothesis hypothesis);
}
