package io.streamlate.topology.view;

import io.streamlate.schemas.alignment.AttentionEncoder;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.Timings;
import io.streamlate.schemas.avro.Translation;

import java.nio.ByteBuffer;
import java.util.List;

/** A Translation and its Alignment for the view's tests: "I love you" → "je t' aime", one subword per word. */
final class ViewRecords {

    static final float[][] ATTENTION = {{0.9f, 0.05f, 0.05f}, {0.1f, 0.1f, 0.8f}, {0.05f, 0.9f, 0.05f}};

    private ViewRecords() {
    }

    static Translation translation(String id, String sourceText) {
        return Translation.newBuilder().setId(id).setDocumentId(null).setPosition(null).setSourceText(sourceText)
                .setTranslatedText("je t' aime").setSourceLanguage("en").setTargetLanguage("fr")
                .setModelId("streamlate-en-fr").setModelVersion("1.2").setScore(-0.5).setAlignment("0-0 2-1 1-2")
                .setSourceTokens(List.of("▁I", "▁love", "▁you")).setTargetTokens(List.of("▁je", "▁t'", "▁aime"))
                .setTimings(new Timings(3L, 40L, 50L)).setBatchSize(4).setTruncated(false)
                .setGivenTranslation(false).build();
    }

    static Alignment alignment(String id, String sourceText) {
        return Alignment.newBuilder().setId(id).setModelId("streamlate-en-fr").setModelVersion("1.2")
                .setSourceSubwords(List.of("▁I", "▁love", "▁you")).setTargetSubwords(List.of("▁je", "▁t'", "▁aime"))
                .setSourceWords(List.of(sourceText.split(" "))).setTargetWords(List.of("je", "t'", "aime"))
                .setSourceWordOfSubword(List.of(0, 1, 2)).setTargetWordOfSubword(List.of(0, 1, 2))
                .setHardAlignment("0-0 2-1 1-2")
                .setAttention(ByteBuffer.wrap(new AttentionEncoder(KeepPolicy.DEFAULT).encode(ATTENTION)))
                .setAttentionCodecVersion(2).setGivenTranslation(false).build();
    }
}
