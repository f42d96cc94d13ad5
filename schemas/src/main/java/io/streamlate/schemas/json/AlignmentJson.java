package io.streamlate.schemas.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.alignment.AttentionDecoder;
import io.streamlate.schemas.avro.Alignment;

import java.util.List;

/**
 * An {@link Alignment} record as JSON for people and other languages: its ids and tokens, the decoded attention
 * matrix (target subwords x source subwords) and the word links, both as the record's Pharaoh string and as
 * {@code [source, target]} pairs. The field names are the Avro schema's.
 */
public final class AlignmentJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AlignmentJson() {
    }

    /** @throws InvalidPayloadException when the attention bytes or the Pharaoh string cannot be read */
    public static ObjectNode of(Alignment alignment) {
        ObjectNode json = NODES.objectNode();
        json.put("id", alignment.getId());
        json.put("model_id", alignment.getModelId());
        json.put("model_version", alignment.getModelVersion());
        json.put("given_translation", alignment.getGivenTranslation());
        strings(json.putArray("source_subwords"), alignment.getSourceSubwords());
        strings(json.putArray("target_subwords"), alignment.getTargetSubwords());
        strings(json.putArray("source_words"), alignment.getSourceWords());
        strings(json.putArray("target_words"), alignment.getTargetWords());
        alignment.getSourceWordOfSubword().forEach(json.putArray("source_word_of_subword")::add);
        alignment.getTargetWordOfSubword().forEach(json.putArray("target_word_of_subword")::add);
        json.put("hard_alignment", alignment.getHardAlignment());
        ArrayNode links = json.putArray("links");
        for (int[] link : PharaohLinks.parse(alignment.getHardAlignment())) {
            links.addArray().add(link[0]).add(link[1]);
        }
        byte[] attention = new byte[alignment.getAttention().remaining()];
        alignment.getAttention().duplicate().get(attention);
        ArrayNode matrix = json.putArray("attention");
        for (float[] row : AttentionDecoder.decode(attention)) {
            ArrayNode weights = matrix.addArray();
            for (float weight : row) {
                weights.add(weight);
            }
        }
        return json;
    }

    private static void strings(ArrayNode array, List<? extends CharSequence> values) {
        values.forEach(value -> array.add(value.toString()));
    }
}
