package io.streamlate.topology.processing;

import io.streamlate.model.TranslationResult;
import io.streamlate.model.batching.ItemTimings;
import io.streamlate.schemas.alignment.AttentionEncoder;
import io.streamlate.schemas.alignment.AttentionFormat;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Timings;
import io.streamlate.schemas.avro.Translation;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Maps an engine {@link TranslationResult} to the output records {@link Translation} and {@link Alignment}; for an
 * event with a given translation, the result is its forced alignment and both records say so.
 */
public final class TranslationRecords {

    private final AttentionEncoder attention;

    public TranslationRecords(AttentionEncoder attention) {
        this.attention = Objects.requireNonNull(attention, "attention");
    }

    /** @param totalMs from the input's arrival in the service until now */
    public Translation translation(PendingInput input, TranslationResult result, ItemTimings timings, long totalMs) {
        SentenceEvent event = input.event();
        return Translation.newBuilder()
                .setId(event.getId())
                .setDocumentId(event.getDocumentId())
                .setPosition(event.getPosition())
                .setSourceText(event.getText())
                .setTranslatedText(result.text())
                .setSourceLanguage(event.getSourceLanguage())
                .setTargetLanguage(input.targetLanguage())
                .setModelId(result.modelId())
                .setModelVersion(result.modelVersion())
                .setScore(result.score())
                .setAlignment(result.pharaoh())
                .setSourceTokens(result.sourceWords())
                .setTargetTokens(result.targetWords())
                .setTimings(Timings.newBuilder()
                        .setQueueWaitMs(timings.queueWait().toMillis())
                        .setInferenceMs(timings.inference().toMillis())
                        .setTotalMs(Math.max(0, totalMs))
                        .build())
                .setBatchSize(timings.batchSentences())
                .setTruncated(result.truncated())
                .setGivenTranslation(event.getTranslation() != null)
                .build();
    }

    public Alignment alignment(PendingInput input, TranslationResult result) {
        return Alignment.newBuilder()
                .setId(input.event().getId())
                .setModelId(result.modelId())
                .setModelVersion(result.modelVersion())
                .setSourceSubwords(result.sourcePieces())
                .setTargetSubwords(result.targetPieces())
                .setSourceWords(result.sourceWords())
                .setTargetWords(result.targetWords())
                .setSourceWordOfSubword(result.sourceWordOfPiece())
                .setTargetWordOfSubword(result.targetWordOfPiece())
                .setHardAlignment(result.pharaoh())
                .setAttention(ByteBuffer.wrap(attention.encode(result.attention())))
                .setAttentionCodecVersion(AttentionFormat.VERSION)
                .setGivenTranslation(input.event().getTranslation() != null)
                .build();
    }
}
