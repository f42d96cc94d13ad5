package io.streamlate.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;
import io.streamlate.schemas.SampleRecords;
import io.streamlate.schemas.alignment.AttentionDecoder;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.Translation;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.streamlate.schemas.json.AttentionJsonAssert.assertAttention;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AlignmentJson}, {@link TranslationJson} and {@link PharaohLinks} on the sample records. */
class RecordJsonTest {

    @Test
    void anAlignmentCarriesItsTokensItsDecodedMatrixAndItsLinks() {
        Alignment alignment = SampleRecords.alignment();

        ObjectNode json = AlignmentJson.of(alignment);

        assertThat(json.path("id").asText()).isEqualTo("s-1");
        assertThat(json.path("model_id").asText()).isEqualTo("en-fr");
        assertThat(json.path("model_version").asText()).isEqualTo("1.0.0");
        assertThat(json.path("given_translation").asBoolean()).isTrue();
        assertThat(texts(json.path("source_subwords"))).containsExactly("▁The", "▁cat", "▁sleeps.");
        assertThat(texts(json.path("target_words"))).containsExactly("Le", "chat", "dort.");
        assertThat(texts(json.path("source_word_of_subword"))).containsExactly("0", "1", "2");
        assertThat(json.path("hard_alignment").asText()).isEqualTo("0-0 1-1 2-2");
        assertThat(json.path("links").toString()).isEqualTo("[[0,0],[1,1],[2,2]]");
        assertAttention(json.path("attention"), AttentionDecoder.decode(alignment.getAttention().array()));
    }

    @Test
    void aCorruptAttentionPayloadIsAnInvalidPayload() {
        Alignment alignment = SampleRecords.alignment();
        byte[] payload = alignment.getAttention().array();
        alignment.setAttention(ByteBuffer.wrap(payload, 0, payload.length / 2).slice());

        assertThatThrownBy(() -> AlignmentJson.of(alignment)).isInstanceOf(InvalidPayloadException.class);
    }

    @Test
    void aTranslationCarriesEveryFieldAndItsLinks() {
        Translation translation = SampleRecords.translation();
        translation.setDocumentId(null);

        ObjectNode json = TranslationJson.of(translation);

        assertThat(json.path("id").asText()).isEqualTo("s-1");
        assertThat(json.path("document_id").isNull()).isTrue();
        assertThat(json.path("position").asInt()).isEqualTo(3);
        assertThat(json.path("source_text").asText()).isEqualTo("The cat sleeps.");
        assertThat(json.path("translated_text").asText()).isEqualTo("Le chat dort.");
        assertThat(json.path("source_language").asText()).isEqualTo("en");
        assertThat(json.path("target_language").asText()).isEqualTo("fr");
        assertThat(json.path("model_id").asText()).isEqualTo("en-fr");
        assertThat(json.path("model_version").asText()).isEqualTo("1.0.0");
        assertThat(json.path("score").asDouble()).isEqualTo(-1.25);
        assertThat(json.path("given_translation").asBoolean()).isTrue();
        assertThat(json.path("truncated").asBoolean()).isFalse();
        assertThat(json.path("batch_size").asInt()).isEqualTo(8);
        assertThat(texts(json.path("source_tokens"))).containsExactly("The", "cat", "sleeps.");
        assertThat(texts(json.path("target_tokens"))).containsExactly("Le", "chat", "dort.");
        assertThat(json.path("alignment").asText()).isEqualTo("0-0 1-1 2-2");
        assertThat(json.path("links").toString()).isEqualTo("[[0,0],[1,1],[2,2]]");
        assertThat(json.path("timings").toString()).isEqualTo("{\"queue_wait_ms\":4,\"inference_ms\":31,"
                + "\"total_ms\":37}");
    }

    @Test
    void pharaohLinksReadSpacesAndEmptyStrings() {
        assertThat(PharaohLinks.parse("  0-1   2-0 ")).containsExactly(new int[] {0, 1}, new int[] {2, 0});
        assertThat(PharaohLinks.parse("")).isEmpty();
    }

    @Test
    void aBadPharaohLinkIsNamed() {
        for (String bad : List.of("0-0 x-1", "0-0 1", "0--1", "-1-0")) {
            assertThatThrownBy(() -> PharaohLinks.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(InvalidPayloadException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                    .hasMessageContaining("is not a Pharaoh link");
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
