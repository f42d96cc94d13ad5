package io.streamlate.topology.processing;

import io.streamlate.model.LanguagePair;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.topology.config.StreamlateConfig;
import io.streamlate.topology.config.TopologyConfig;
import org.apache.kafka.common.serialization.Deserializer;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * Turns an input's raw bytes into a {@link Reading}: decoded with the event's target language resolved, rejected
 * with the error class and reason of its dead letter (undecodable, empty, too long, no model for its pair), or
 * waiting for the registry (its writer schema is being looked up, or the registry failed). Never calls the
 * registry itself when {@code schemaKnown} says the schema is unknown, so a hung registry cannot hold it. No state,
 * no Kafka context.
 */
public final class InputReader {

    /** The id of an input whose value could not be decoded. */
    static final String UNKNOWN_ID = "-";

    private final TopologyConfig config;
    private final Deserializer<SentenceEvent> values;
    private final Predicate<byte[]> schemaKnown;
    private final Predicate<LanguagePair> supported;

    /**
     * @param schemaKnown whether a value's writer schema is known without asking the registry (e.g.
     *                    {@link io.streamlate.topology.registry.SchemaLookups#ready}, which starts the lookup
     *                    elsewhere when it is not): the deserializer is only called when it is
     * @param supported   whether a model serves a pair
     */
    public InputReader(TopologyConfig config, Deserializer<SentenceEvent> values, Predicate<byte[]> schemaKnown,
                       Predicate<LanguagePair> supported) {
        this.config = Objects.requireNonNull(config, "config");
        this.values = Objects.requireNonNull(values, "values");
        this.schemaKnown = Objects.requireNonNull(schemaKnown, "schemaKnown");
        this.supported = Objects.requireNonNull(supported, "supported");
    }

    Reading read(PendingInput raw) {
        if (raw.value() != null && !schemaKnown.test(raw.value())) {
            return new Reading.AwaitingSchema();
        }
        SentenceEvent event;
        try {
            event = values.deserialize(raw.topic(), raw.value());
            if (event == null) {
                throw new InvalidPayloadException(InvalidPayloadException.Reason.TRUNCATED, "the value is null");
            }
        } catch (InvalidPayloadException e) {
            return new Reading.Rejected(UNKNOWN_ID, ErrorClass.DESERIALIZATION, e.getMessage());
        } catch (SchemaRegistryException e) {
            return new Reading.RegistryDown(e);
        }
        String target = event.getTargetLanguage() != null ? event.getTargetLanguage()
                : config.defaultTargetLanguage().orElse(null);
        Reading.Rejected rejection = validate(event, target);
        return rejection != null ? rejection : new Reading.Decoded(raw.withEvent(event, target));
    }

    /** Null when the event can be translated (or aligned). */
    private Reading.Rejected validate(SentenceEvent event, String target) {
        String id = event.getId();
        if (event.getText().isBlank()) {
            return new Reading.Rejected(id, ErrorClass.EMPTY_TEXT, "sentence " + id + " has no text");
        }
        Reading.Rejected tooLong = tooLong(id, event.getText(), "");
        if (tooLong != null) {
            return tooLong;
        }
        String given = event.getTranslation();
        if (given != null && given.isBlank()) {
            return new Reading.Rejected(id, ErrorClass.EMPTY_TEXT, "sentence " + id
                    + " has a given translation with no text (leave translation null to have it translated)");
        }
        tooLong = given == null ? null : tooLong(id, given, "a given translation of ");
        if (tooLong != null) {
            return tooLong;
        }
        if (target == null) {
            return new Reading.Rejected(id, ErrorClass.UNSUPPORTED_LANGUAGE_PAIR, "sentence " + id
                    + " has no target_language and no " + StreamlateConfig.DEFAULT_TARGET_LANGUAGE + " is set");
        }
        LanguagePair pair = new LanguagePair(event.getSourceLanguage(), target);
        if (!supported.test(pair)) {
            return new Reading.Rejected(id, ErrorClass.UNSUPPORTED_LANGUAGE_PAIR, "sentence " + id
                    + ": no model translates " + pair);
        }
        return null;
    }

    private Reading.Rejected tooLong(String id, String text, String what) {
        int length = text.codePointCount(0, text.length());
        if (length <= config.maxTextChars()) {
            return null;
        }
        return new Reading.Rejected(id, ErrorClass.TEXT_TOO_LONG, "sentence " + id + " has " + what + length
                + " characters, over " + StreamlateConfig.MAX_TEXT_CHARS + " = " + config.maxTextChars());
    }
}
