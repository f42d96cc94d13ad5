package io.streamlate.model;

import io.streamlate.model.alignment.GivenWords;
import io.streamlate.model.alignment.HardAlignment;
import io.streamlate.model.alignment.LinkRule;
import io.streamlate.model.alignment.PieceWords;
import io.streamlate.model.alignment.SoftAlignment;
import io.streamlate.model.decoding.Hypothesis;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.tokenize.SentencePieceTokenizer;

import java.util.Arrays;
import java.util.List;

/** Turns a decoded or teacher-forced hypothesis into the public result: text, pieces, words and alignments. */
final class ResultAssembler {

    private final SentencePieceTokenizer sourceTokenizer;
    private final SentencePieceTokenizer targetTokenizer;
    private final Manifest manifest;

    ResultAssembler(SentencePieceTokenizer sourceTokenizer, SentencePieceTokenizer targetTokenizer, Manifest manifest) {
        this.sourceTokenizer = sourceTokenizer;
        this.targetTokenizer = targetTokenizer;
        this.manifest = manifest;
    }

    /** A translation: words are the pieces grouped at the word-start marker. */
    TranslationResult assemble(Tokenized.Sentence source, Hypothesis hypothesis, LinkRule rule) {
        List<String> sourcePieces = sourceTokenizer.pieces(source.ids());
        List<String> targetPieces = targetTokenizer.pieces(hypothesis.ids());
        return result(targetTokenizer.decode(hypothesis.ids()), sourcePieces, targetPieces, PieceWords.group(sourcePieces),
                PieceWords.group(targetPieces), hypothesis, rule, source.truncated());
    }

    /** A forced alignment: the target text and both sides' words are as given. */
    TranslationResult assembleGiven(Tokenized.Pair pair, Hypothesis hypothesis, LinkRule rule) {
        GivenWords source = pair.source();
        GivenWords target = pair.target();
        return result(pair.targetText().strip(), sourceTokenizer.pieces(source.ids()),
                targetTokenizer.pieces(target.ids()), source.words(), target.words(), hypothesis, rule, false);
    }

    private TranslationResult result(String text, List<String> sourcePieces, List<String> targetPieces,
                                     PieceWords sourceWords, PieceWords targetWords, Hypothesis hypothesis,
                                     LinkRule rule, boolean truncated) {
        float[][] soft = SoftAlignment.forTargetPieces(hypothesis.attention(), targetPieces.size());
        return new TranslationResult(text, sourcePieces, targetPieces, Arrays.stream(hypothesis.ids()).boxed().toList(),
                soft, HardAlignment.words(rule, hypothesis.attention(), targetPieces.size(), sourceWords, targetWords),
                sourceWords.words(), targetWords.words(), Arrays.stream(sourceWords.wordOfPiece()).boxed().toList(),
                Arrays.stream(targetWords.wordOfPiece()).boxed().toList(), hypothesis.logProb(), truncated,
                manifest.modelId(), manifest.modelVersion());
    }
}
