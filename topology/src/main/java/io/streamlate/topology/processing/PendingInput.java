package io.streamlate.topology.processing;

import io.streamlate.model.LanguagePair;
import io.streamlate.schemas.avro.SentenceEvent;

import java.util.Objects;

/**
 * An input waiting for its translation, as kept in the pending store (keyed by {@code offset}): the original record
 * (bytes and coordinates) so that a later failure can still be dead-lettered with what was read, and, once decoded
 * and valid, the event with its resolved target language. An input whose value could not be decoded because the
 * schema registry was unreachable is kept undecoded ({@code event} and {@code targetLanguage} null) and decoded
 * again later; the store keeps only the bytes and coordinates ({@link PendingInputSerde}), so every restored input
 * starts undecoded.
 *
 * @param key            the input key bytes, as read (may be null); every output keeps it
 * @param value          the input value bytes, as read (null only for a tombstone, which is dead-lettered at once)
 * @param topic          input topic
 * @param partition      input partition
 * @param offset         input offset; unique within a task, the pending store's key
 * @param timestamp      the input record's timestamp, also the outputs'
 * @param receivedAtMs   wall-clock time process() first saw the record (Timings.total_ms starts here)
 * @param event          the decoded event, or null while undecoded
 * @param targetLanguage the event's target language, or the configured default when it had none; null while
 *                       undecoded
 */
public record PendingInput(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp,
                           long receivedAtMs, SentenceEvent event, String targetLanguage) {

    public PendingInput {
        Objects.requireNonNull(topic, "topic");
        if ((event == null) != (targetLanguage == null)) {
            throw new IllegalArgumentException("event and targetLanguage are both set (decoded) or both null");
        }
    }

    /** The same record, not decoded yet. */
    public static PendingInput undecoded(byte[] key, byte[] value, String topic, int partition, long offset,
                                         long timestamp, long receivedAtMs) {
        return new PendingInput(key, value, topic, partition, offset, timestamp, receivedAtMs, null, null);
    }

    public boolean decoded() {
        return event != null;
    }

    /** This record with its decoded event. */
    public PendingInput withEvent(SentenceEvent decodedEvent, String target) {
        return new PendingInput(key, value, topic, partition, offset, timestamp, receivedAtMs,
                Objects.requireNonNull(decodedEvent, "decodedEvent"), Objects.requireNonNull(target, "target"));
    }

    public LanguagePair pair() {
        if (!decoded()) {
            throw new IllegalStateException("offset " + offset + " is not decoded yet");
        }
        return new LanguagePair(event.getSourceLanguage(), targetLanguage);
    }
}
