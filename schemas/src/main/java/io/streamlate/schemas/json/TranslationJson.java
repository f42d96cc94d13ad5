package io.streamlate.schemas.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.avro.Timings;
import io.streamlate.schemas.avro.Translation;

import java.util.List;

/**
 * A {@link Translation} record as JSON for people and other languages: every field under its Avro schema name
 * (null optional fields as JSON null), and the word links of its Pharaoh {@code alignment} as {@code [source,
 * target]} pairs under {@code links}.
 */
public final class TranslationJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TranslationJson() {
    }

    /** @throws InvalidPayloadException when the Pharaoh string cannot be read */
    public static ObjectNode of(Translation translation) {
        ObjectNode json = NODES.objectNode();
        json.put("id", translation.getId());
        json.put("document_id", translation.getDocumentId());
        json.put("position", translation.getPosition());
        json.put("source_text", translation.getSourceText());
        json.put("translated_text", translation.getTranslatedText());
        json.put("source_language", translation.getSourceLanguage());
        json.put("target_language", translation.getTargetLanguage());
        json.put("model_id", translation.getModelId());
        json.put("model_version", translation.getModelVersion());
        json.put("score", translation.getScore());
        json.put("given_translation", translation.getGivenTranslation());
        json.put("truncated", translation.getTruncated());
        json.put("batch_size", translation.getBatchSize());
        strings(json.putArray("source_tokens"), translation.getSourceTokens());
        strings(json.putArray("target_tokens"), translation.getTargetTokens());
        json.put("alignment", translation.getAlignment());
        ArrayNode links = json.putArray("links");
        for (int[] link : PharaohLinks.parse(translation.getAlignment())) {
            links.addArray().add(link[0]).add(link[1]);
        }
        Timings timings = translation.getTimings();
        json.putObject("timings")
                .put("queue_wait_ms", timings.getQueueWaitMs())
                .put("inference_ms", timings.getInferenceMs())
                .put("total_ms", timings.getTotalMs());
        return json;
    }

    private static void strings(ArrayNode array, List<? extends CharSequence> values) {
        values.forEach(value -> array.add(value.toString()));
    }
}
