package io.streamlate.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The local mode end to end through its real command line: {@code --demo-only} with the tiny fixture model. */
class LocalModeDemoTest {

    /** The model module's tiny fixture, relative to this module (surefire's working directory). */
    private static final String TINY_MODEL = "../model/src/test/resources/tiny-en-fr";

    @Test
    void demoSentencesCoverTheRequiredOnesAndOneBadInput() {
        List<LocalMode.DemoSentence> sentences = LocalMode.demoSentences();
        List<String> texts = sentences.stream().map(LocalMode.DemoSentence::text).toList();
        assertThat(texts).contains("I love you.", "How was your day?", "Who are you?");
        assertThat(texts.size()).isGreaterThanOrEqualTo(13);
        assertThat(texts).filteredOn(String::isBlank).hasSize(1);
        assertThat(sentences).filteredOn(s -> s.given() != null).isNotEmpty()
                .allSatisfy(s -> assertThat(s.given()).isNotBlank().doesNotContain("|||"));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void demoOnlyPrintsEveryTranslationWithItsAlignmentAndTheDeadLetterThenExits() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            exit = LocalApp.execute(new String[] {"--demo-only", "--model", TINY_MODEL, "--threads", "1"}, out,
                    System.err, Map.of());
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(printed);

        assertThat(exit).as(printed).isZero();
        List<String> sentences = LocalMode.demoSentences().stream().map(LocalMode.DemoSentence::text)
                .filter(text -> !text.isBlank()).toList();
        for (String sentence : sentences) {
            assertThat(printed).containsPattern(Pattern.compile("\\[en -> fr] " + Pattern.quote(sentence)
                    + "\\R  translation: \\S.*\\R  alignment:   (\\d+-\\d+( \\d+-\\d+)*|\\(none\\))\\R    +\\|"));
        }
        assertThat(printed).containsPattern("Live alignment view \\(open it in a browser\\): http://localhost:\\d+/");
        assertThat(printed).contains("(given, aligned; model log-prob");
        assertThat(printed).containsOnlyOnce("[dead letter] EMPTY_TEXT");
        assertThat(printed).contains("Demo done: " + sentences.size() + " translations, 1 dead letter(s).");
    }
}
