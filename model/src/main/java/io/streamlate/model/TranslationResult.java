package io.streamlate.model;

import io.streamlate.model.alignment.HardAlignment;
import io.streamlate.model.alignment.WordLink;

import java.util.List;

/**
 * One translated sentence with its alignments, or a given translation force-aligned (then {@code text} is the given
 * target and {@code score} the model's log-probability of it).
 *
 * @param text          the detokenised translation
 * @param sourcePieces  source subwords actually translated (after truncation)
 * @param targetPieces  target subwords, EOS excluded
 * @param targetIds     target ids, EOS excluded
 * @param attention     soft alignment [targetPieces][sourcePieces]; the EOS row is dropped, so rows sum to 1
 *                      only up to the attention EOS would have had
 * @param alignment     word-level hard alignment, sorted by source word then target word
 * @param sourceWords   source words: pieces grouped at '▁' for a translation, the given words for a forced alignment
 * @param targetWords   target words, likewise
 * @param sourceWordOfPiece for each source piece, the index of its word
 * @param targetWordOfPiece for each target piece, the index of its word
 * @param score         sum of log-probabilities of the emitted (or given) tokens, EOS included
 * @param truncated     true when the source had more than max_source_length pieces and was cut
 * @param modelId       manifest model.id
 * @param modelVersion  manifest model.version
 */
public record TranslationResult(String text, List<String> sourcePieces, List<String> targetPieces,
                                List<Integer> targetIds, float[][] attention, List<WordLink> alignment,
                                List<String> sourceWords, List<String> targetWords, List<Integer> sourceWordOfPiece,
                                List<Integer> targetWordOfPiece, double score,
                                boolean truncated, String modelId, String modelVersion) {

    public TranslationResult {
        sourcePieces = List.copyOf(sourcePieces);
        targetPieces = List.copyOf(targetPieces);
        targetIds = List.copyOf(targetIds);
        alignment = List.copyOf(alignment);
        sourceWords = List.copyOf(sourceWords);
        targetWords = List.copyOf(targetWords);
        sourceWordOfPiece = List.copyOf(sourceWordOfPiece);
        targetWordOfPiece = List.copyOf(targetWordOfPiece);
    }

    /** The word alignment in Pharaoh format, e.g. {@code 0-0 1-2 2-1}. */
    public String pharaoh() {
        return HardAlignment.pharaoh(alignment);
    }
}
