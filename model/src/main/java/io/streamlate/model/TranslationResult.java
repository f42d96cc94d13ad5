package io.streamlate.model;

import io.streamlate.model.alignment.HardAlignment;
import io.streamlate.model.alignment.WordLink;

import java.util.List;

/**
 * One translated sentence with its alignments.
 *
 * @param text          the detokenised translation
 * @param sourcePieces  source subwords actually translated (after truncation)
 * @param targetPieces  target subwords, EOS excluded
 * @param targetIds     target ids, EOS excluded
 * @param attention     soft alignment [targetPieces][sourcePieces]; the EOS row is dropped, so rows sum to 1
 *                      only up to the attention EOS would have had
 * @param alignment     word-level hard alignment, sorted by source word then target word
 * @param sourceWords   source words (pieces grouped at '▁')
 * @param targetWords   target words
 * @param score         sum of log-probabilities of the emitted tokens, EOS included
 * @param truncated     true when the source had more than max_source_length pieces and was cut
 * @param modelId       manifest model.id
 * @param modelVersion  manifest model.version
 */
public record TranslationResult(String text, List<String> sourcePieces, List<String> targetPieces,
                                List<Integer> targetIds, float[][] attention, List<WordLink> alignment,
                                List<String> sourceWords, List<String> targetWords, double score,
                                boolean truncated, String modelId, String modelVersion) {

    public TranslationResult {
        sourcePieces = List.copyOf(sourcePieces);
        targetPieces = List.copyOf(targetPieces);
        targetIds = List.copyOf(targetIds);
        alignment = List.copyOf(alignment);
        sourceWords = List.copyOf(sourceWords);
        targetWords = List.copyOf(targetWords);
    }

    /** The word alignment in Pharaoh format, e.g. {@code 0-0 1-2 2-1}. */
    public String pharaoh() {
        return HardAlignment.pharaoh(alignment);
    }
}
