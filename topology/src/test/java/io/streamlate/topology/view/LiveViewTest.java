package io.streamlate.topology.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.topology.observability.HttpEndpoint;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveViewTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecentTranslations recent = new RecentTranslations(new ViewSettings(10, 1000));
    private final Map<String, HttpEndpoint> endpoints = new LiveView(recent).endpoints();

    @Test
    void recentGivesEachTranslationWithItsDecodedAttentionAndLinks() throws Exception {
        recent.offer(ViewRecords.translation("s1", "I love you"), ViewRecords.alignment("s1", "I love you"));

        JsonNode body = recent("/view/recent");

        assertThat(body.get("size").asInt()).isEqualTo(10);
        assertThat(body.get("published").asLong()).isEqualTo(1);
        JsonNode entry = body.get("entries").get(0);
        assertThat(entry.get("sequence").asLong()).isEqualTo(1);
        assertThat(entry.get("id").asText()).isEqualTo("s1");
        assertThat(entry.get("source_text").asText()).isEqualTo("I love you");
        assertThat(entry.get("translated_text").asText()).isEqualTo("je t' aime");
        assertThat(entry.get("timings").get("total_ms").asLong()).isEqualTo(50);
        JsonNode alignment = entry.get("alignment");
        assertThat(alignment.get("target_words")).extracting(JsonNode::asText).containsExactly("je", "t'", "aime");
        assertThat(alignment.get("links").toString()).isEqualTo("[[0,0],[2,1],[1,2]]");
        assertThat(alignment.get("attention").get(1).get(2).floatValue()).isEqualTo(204 / 255f);
        assertThat(recent("/view/recent?after=1").get("entries")).isEmpty();
    }

    @Test
    void anUnreadableAlignmentIsShownAsSuchNotAFailedPage() throws Exception {
        Alignment broken = ViewRecords.alignment("s1", "I love you");
        broken.setAttention(ByteBuffer.wrap(new byte[] {2, 99}));
        recent.offer(ViewRecords.translation("s1", "I love you"), broken);

        JsonNode entry = recent("/view/recent").get("entries").get(0);

        assertThat(entry.has("alignment")).isFalse();
        assertThat(entry.get("alignment_error").asText()).isNotBlank();
        assertThat(entry.get("source_text").asText()).isEqualTo("I love you");
    }

    @Test
    void theAfterParameterMustBeASequence() {
        assertThat(LiveView.after(URI.create("/view/recent?x=1&after=42"))).isEqualTo(42);
        assertThat(LiveView.after(URI.create("/view/recent"))).isZero();
        assertThatThrownBy(() -> LiveView.after(URI.create("/view/recent?after=abc")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("after must be a sequence number >= 0, "
                        + "was 'abc'");
        assertThatThrownBy(() -> LiveView.after(URI.create("/view/recent?after=-1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePageIsSelfContainedAndNeverParsesRecordTextAsMarkup() {
        String page = new String(endpoints.get("/").body().apply(URI.create("/")), StandardCharsets.UTF_8);

        assertThat(endpoints.get("/").contentType()).startsWith("text/html");
        assertThat(page).contains("view/recent?after=").doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML",
                "document.write", "eval(");
        assertThat(page).doesNotContainPattern("(src|href)=\"(https?:)?//");
    }

    private JsonNode recent(String uri) throws Exception {
        return JSON.readTree(endpoints.get("/view/recent").body().apply(URI.create(uri)));
    }
}
