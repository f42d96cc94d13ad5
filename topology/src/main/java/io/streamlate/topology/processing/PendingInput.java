package io.streamlate.topology.processing;

import io.streamlate.model.LanguagePair;
import io.streamlate.schemas.avro.SentenceEvent;

import java.util.Objects;

/**
 * A valid input waiting for its translation, as kept in the pending store (keyed by {@code offset}): the decoded
 * event with its resolved target language, and the original record (bytes and coordinates) so that a later failure
 * can still be dead-lettered with what was read.
 *
 * @param key            the input key bytes, as read (may be null); every output keeps it
 * @param value          the input value bytes, as read
 * @param topic          input topic
 * @param partition      input partition
 * @param offset         input offset; unique within a task, the pending store's key
 * @param timestamp      the input record's timestamp, also the outputs'
 * @param receivedAtMs   wall-clock time process() first saw the record (Timings.total_ms starts here)
 * @param event          the decoded event
 * @param targetLanguage the event's target language, or the configured default when it had none
 */
public record PendingInput(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp,
                           long receivedAtMs, SentenceEvent event, String targetLanguage) {

    public PendingInput {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(targetLanguage, "targetLanguage");
    }

    public LanguagePair pair() {
        return new LanguagePair(event.getSourceLanguage(), targetLanguage);
    }
}
