package io.streamlate.topology.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.json.PharaohLinks;
import io.streamlate.topology.Topics;
import io.streamlate.topology.config.StreamlateConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamlate.topology.app.EndToEndFixture.event;
import static io.streamlate.topology.app.EndToEndFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live view in a real browser: Debian's headless Chromium loads {@code /} from a running service on the real
 * broker and registry, and the test reads what it rendered (one card per translation, newest first, record text as
 * text even when it is markup), points at words and reads the highlight, and saves a screenshot to
 * {@code target/live-view.png}.
 */
class LiveViewBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Map<String, String> SENTENCES = new LinkedHashMap<>();
    private static final Path SCREENSHOT = Path.of("target", "live-view.png");

    static {
        SENTENCES.put("v1", "I love you.");
        SENTENCES.put("v2", "<script>window.injected = 1</script> Good <b>morning</b>.");
        SENTENCES.put("v3", "<img src=x onerror=\"window.injected = 2\"> The cat sleeps.");
        SENTENCES.put("v4", "It is raining today.");
    }

    @RegisterExtension
    static final EndToEndPeers PEERS = new EndToEndPeers();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theBrowserDrawsEachTranslationAsTextAndHighlightsTheWordsAWordIsLinkedTo(@TempDir Path stateDirectory,
                                                                                  @TempDir Path profile)
            throws Exception {
        String prefix = "view-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Properties file = EndToEndFixture.file(prefix, stateDirectory);
        file.setProperty(StreamlateConfig.VIEW_MAX_PER_SECOND, "1000");
        ServiceConfig config = PEERS.fixture().config(file, prefix + "app", "exactly_once_v2");
        Topics topics = PEERS.fixture().createTopics(config, 1);

        try (StreamlateService service = StreamlateService.start(config)) {
            assertThat(service.awaitRunning(WAIT)).as("RUNNING within %s", WAIT).isTrue();
            try (KafkaProducer<byte[], byte[]> producer = PEERS.fixture().producer()) {
                SENTENCES.forEach((id, text) -> send(producer, topics, "doc", event(id, text, "fr")));
                producer.flush();
            }
            List<Alignment> alignments = new ArrayList<>();
            try (EndToEndFixture.Outputs outputs = PEERS.fixture().outputs(topics, prefix + "checker")) {
                outputs.awaitAll(SENTENCES.keySet(), WAIT, Duration.ZERO);
                outputs.alignments.stream().map(ConsumerRecord::value).forEach(alignments::add);
            }
            URI view = service.viewUrl().orElseThrow();

            try (HeadlessChromium chromium = HeadlessChromium.launch(profile, 1280, 1000)) {
                chromium.navigate(view);
                EndToEndFixture.await(WAIT, () -> "four cards on the page; it shows: " + chromium.evaluate(
                        "location.href + ' | ' + document.body.innerText.slice(0, 300)").asText(),
                        () -> chromium.evaluate("document.querySelectorAll('article.entry').length").asInt()
                                == SENTENCES.size());

                assertThat(texts(chromium.evaluate("Array.from(document.querySelectorAll('article.entry'))"
                        + ".map(card => card.dataset.id)"))).as("newest first").containsExactly("v4", "v3", "v2",
                        "v1");
                for (Alignment alignment : alignments) {
                    assertThat(texts(chromium.evaluate(cardQuery(alignment.getId(), ".sentence.source .word")
                            + ".map(word => word.textContent)"))).as("source words of %s", alignment.getId())
                            .containsExactlyElementsOf(strings(alignment.getSourceWords()));
                    assertThat(chromium.evaluate(cardQuery(alignment.getId(), ".heatmap tbody tr") + ".length")
                            .asInt()).as("heatmap rows of %s", alignment.getId()).isPositive();
                }
                assertThat(chromium.evaluate("window.injected === undefined").asBoolean())
                        .as("no record text ran as script").isTrue();
                assertThat(chromium.evaluate("document.querySelectorAll('main script, main img, main b').length")
                        .asInt()).as("no record text became an element").isZero();
                assertThat(chromium.evaluate("document.querySelector('article[data-id=v2] .sentence.source')"
                        + ".textContent").asText()).contains("<");

                pointAtAWordAndSeeItsLinks(chromium, alignments, "target", "source");
                pointAtAWordAndSeeItsLinks(chromium, alignments, "source", "target");
                chromium.movePointer(1, 1);
                pointAtAWordAndSeeItsLinks(chromium, alignments, "target", "source");
                Files.write(SCREENSHOT, chromium.screenshot());
            }
        }
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
    }

    /** Points at the first word of {@code side} that has links and checks that exactly its linked words light up. */
    private static void pointAtAWordAndSeeItsLinks(HeadlessChromium chromium, List<Alignment> alignments,
                                                   String side, String otherSide) {
        for (Alignment alignment : alignments) {
            for (int word = 0; word < (side.equals("target") ? alignment.getTargetWords().size()
                    : alignment.getSourceWords().size()); word++) {
                Set<Integer> linked = new TreeSet<>();
                for (int[] link : PharaohLinks.parse(alignment.getHardAlignment())) {
                    if ((side.equals("target") ? link[1] : link[0]) == word) {
                        linked.add(side.equals("target") ? link[0] : link[1]);
                    }
                }
                if (linked.isEmpty()) {
                    continue;
                }
                JsonNode box = chromium.evaluate("(() => { const word = document.querySelector('article[data-id="
                        + alignment.getId() + "] .sentence." + side + " .word[data-word=\"" + word + "\"]');"
                        + " word.scrollIntoView({block: 'center'}); const box = word.getBoundingClientRect();"
                        + " return {x: box.x + box.width / 2, y: box.y + box.height / 2}; })()");
                chromium.movePointer(box.get("x").asDouble(), box.get("y").asDouble());

                JsonNode lit = chromium.evaluate(cardQuery(alignment.getId(), ".sentence." + otherSide
                        + " .word.hl") + ".map(word => Number(word.dataset.word))");
                List<Integer> highlighted = new ArrayList<>();
                lit.forEach(index -> highlighted.add(index.asInt()));
                assertThat(highlighted).as("%s words lit by %s word %d of %s", otherSide, side, word,
                        alignment.getId()).containsExactlyElementsOf(linked);
                assertThat(chromium.evaluate(cardQuery(alignment.getId(), ".heatmap td.hl") + ".length").asInt())
                        .as("heatmap cells of the linked words").isPositive();
                assertThat(chromium.evaluate("document.querySelectorAll('.word.hl').length").asInt())
                        .as("only that card lights up").isEqualTo(linked.size());
                return;
            }
        }
        throw new AssertionError("no " + side + " word of any alignment has a link: " + alignments);
    }

    private static String cardQuery(String id, String selector) {
        return "Array.from(document.querySelectorAll('article[data-id=" + id + "] " + selector + "'))";
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(text -> texts.add(text.asText()));
        return texts;
    }

    private static List<String> strings(List<? extends CharSequence> values) {
        return values.stream().map(CharSequence::toString).toList();
    }
}
