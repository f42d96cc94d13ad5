package io.streamlate.schemas;

import io.streamlate.schemas.alignment.AttentionEncoder;
import io.streamlate.schemas.alignment.AttentionFormat;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Timings;
import io.streamlate.schemas.avro.Translation;
import org.apache.avro.specific.SpecificRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One realistic record per schema, every optional field set so that a round trip exercises all of them. */
public final class SampleRecords {

    private static final Instant EVENT_TIME = Instant.parse("2025-03-01T12:00:00.123Z");

    private SampleRecords() {
    }

    public static List<SpecificRecord> all() {
        return List.of(sentenceEvent(), translation(), alignment(), deadLetter());
    }

    public static SentenceEvent sentenceEvent() {
        return SentenceEvent.newBuilder()
                .setId("s-1")
                .setText("The cat sleeps.")
                .setSourceLanguage("en")
                .setTargetLanguage("fr")
                .setDocumentId("doc-7")
                .setPosition(3)
                .setEventTime(EVENT_TIME)
                .setMetadata(Map.of("tenant", "acme"))
                .setTranslation("Le chat dort.")
                .build();
    }

    public static Translation translation() {
        return Translation.newBuilder()
                .setId("s-1")
                .setDocumentId("doc-7")
                .setPosition(3)
                .setSourceText("The cat sleeps.")
                .setTranslatedText("Le chat dort.")
                .setSourceLanguage("en")
                .setTargetLanguage("fr")
                .setModelId("en-fr")
                .setModelVersion("1.0.0")
                .setScore(-1.25)
                .setAlignment("0-0 1-1 2-2")
                .setSourceTokens(List.of("The", "cat", "sleeps."))
                .setTargetTokens(List.of("Le", "chat", "dort."))
                .setTimings(new Timings(4L, 31L, 37L))
                .setBatchSize(8)
                .setTruncated(false)
                .setGivenTranslation(true)
                .build();
    }

    public static Alignment alignment() {
        float[][] attention = {{0.9f, 0.05f, 0.05f}, {0.1f, 0.8f, 0.1f}, {0.02f, 0.08f, 0.9f}};
        return Alignment.newBuilder()
                .setId("s-1")
                .setModelId("en-fr")
                .setModelVersion("1.0.0")
                .setSourceSubwords(List.of("▁The", "▁cat", "▁sleeps."))
                .setTargetSubwords(List.of("▁Le", "▁chat", "▁dort."))
                .setSourceWords(List.of("The", "cat", "sleeps."))
                .setTargetWords(List.of("Le", "chat", "dort."))
                .setSourceWordOfSubword(List.of(0, 1, 2))
                .setTargetWordOfSubword(List.of(0, 1, 2))
                .setHardAlignment("0-0 1-1 2-2")
                .setAttention(ByteBuffer.wrap(new AttentionEncoder(KeepPolicy.DEFAULT).encode(attention)))
                .setAttentionCodecVersion(AttentionFormat.VERSION)
                .setGivenTranslation(true)
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setOriginalKey(ByteBuffer.wrap("s-2".getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {0, 1, 2}))
                .setTopic("sentences")
                .setPartition(2)
                .setOffset(1234L)
                .setTimestamp(EVENT_TIME)
                .setErrorClass(ErrorClass.DESERIALIZATION)
                .setReason("not an Avro SentenceEvent")
                .setFailedAt(EVENT_TIME.plusSeconds(1))
                .build();
    }
}
