package io.streamlate.topology.view;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.json.AlignmentJson;
import io.streamlate.topology.observability.HttpEndpoint;
import io.streamlate.topology.view.RecentTranslations.Entry;
import io.streamlate.topology.view.RecentTranslations.Snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The live alignment view on the service's HTTP port: {@code /} is a self-contained page (no CDN, no external fonts:
 * it must work on an offline cluster) that polls {@code /view/recent?after=SEQUENCE} once a second and draws each
 * new translation with its attention heatmap. The page writes every text through {@code textContent}, never as
 * markup, so a sentence containing HTML or script shows as text.
 */
public final class LiveView {

    public static final String PAGE_PATH = "/";
    public static final String RECENT_PATH = "/view/recent";
    private static final String PAGE_RESOURCE = "index.html";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RecentTranslations recent;
    private final byte[] page;

    public LiveView(RecentTranslations recent) {
        this.recent = recent;
        try (InputStream in = LiveView.class.getResourceAsStream(PAGE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE_RESOURCE + " is missing beside " + LiveView.class.getName());
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page and its data, by path, for the HTTP server. */
    public Map<String, HttpEndpoint> endpoints() {
        return Map.of(
                PAGE_PATH, new HttpEndpoint("text/html; charset=utf-8", uri -> page.clone()),
                RECENT_PATH, new HttpEndpoint("application/json", this::recent));
    }

    private byte[] recent(URI uri) {
        Snapshot snapshot = recent.after(after(uri));
        ObjectNode body = NODES.objectNode();
        body.put("size", recent.settings().size());
        body.put("max_per_second", recent.settings().maxPerSecond());
        body.put("published", snapshot.published());
        body.put("taken", snapshot.taken());
        ArrayNode entries = body.putArray("entries");
        snapshot.entries().forEach(entry -> entries.add(json(entry)));
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code after} query parameter: the newest sequence the page already has; 0 when absent. */
    static long after(URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return 0;
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("after=")) {
                try {
                    long after = Long.parseLong(parameter.substring("after=".length()));
                    if (after >= 0) {
                        return after;
                    }
                } catch (NumberFormatException e) {
                    // reported below, with the value
                }
                throw new IllegalArgumentException("after must be a sequence number >= 0, was '"
                        + parameter.substring("after=".length()) + "'");
            }
        }
        return 0;
    }

    private static ObjectNode json(Entry entry) {
        ObjectNode json = NODES.objectNode();
        json.put("sequence", entry.sequence());
        json.put("published_at", entry.publishedAt().toString());
        Translation translation = entry.translation();
        json.put("id", translation.getId());
        json.put("source_text", translation.getSourceText());
        json.put("translated_text", translation.getTranslatedText());
        json.put("source_language", translation.getSourceLanguage());
        json.put("target_language", translation.getTargetLanguage());
        json.put("score", translation.getScore());
        json.put("batch_size", translation.getBatchSize());
        json.put("truncated", translation.getTruncated());
        json.putObject("timings")
                .put("queue_wait_ms", translation.getTimings().getQueueWaitMs())
                .put("inference_ms", translation.getTimings().getInferenceMs())
                .put("total_ms", translation.getTimings().getTotalMs());
        try {
            json.set("alignment", AlignmentJson.of(entry.alignment()));
        } catch (InvalidPayloadException e) {
            json.put("alignment_error", e.getMessage());
        }
        return json;
    }
}
