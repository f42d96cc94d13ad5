package io.streamlate.model;

import io.streamlate.model.alignment.HardAlignment;
import io.streamlate.model.alignment.PieceWords;
import io.streamlate.model.alignment.SoftAlignment;
import io.streamlate.model.decoding.Hypothesis;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.tokenize.SentencePieceTokenizer;

import java.util.Arrays;
import java.util.List;

/** Turns a decoded hypothesis into the public result: text, pieces, words and alignments. */
final class ResultAssembler {

    private final SentencePieceTokenizer sourceTokenizer;
    private final SentencePieceTokenizer targetTokenizer;
    private final Manifest manifest;

    ResultAssembler(SentencePieceTokenizer sourceTokenizer, SentencePieceTokenizer targetTokenizer, Manifest manifest) {
        this.sourceTokenizer = sourceTokenizer;
        this.targetTokenizer = targetTokenizer;
        this.manifest = manifest;
    }

    TranslationResult assemble(SourceSentence source, Hypothesis hypothesis) {
        List<String> sourcePieces = sourceTokenizer.pieces(source.ids());
        List<String> targetPieces = targetTokenizer.pieces(hypothesis.ids());
        float[][] soft = SoftAlignment.forTargetPieces(hypothesis.attention(), targetPieces.size());
        PieceWords sourceWords = PieceWords.group(sourcePieces);
        PieceWords targetWords = PieceWords.group(targetPieces);
        return new TranslationResult(targetTokenizer.decode(hypothesis.ids()), sourcePieces, targetPieces,
                Arrays.stream(hypothesis.ids()).boxed().toList(), soft,
                HardAlignment.words(soft, sourceWords, targetWords), sourceWords.words(), targetWords.words(),
                hypothesis.logProb(), source.truncated(), manifest.modelId(), manifest.modelVersion());
    }
}
