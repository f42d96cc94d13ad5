package io.streamlate.model.batching;

import io.streamlate.model.LanguagePair;

/**
 * A batch's routing key: one engine call serves one model and one kind of work, so translations and forced
 * alignments of the same pair batch apart.
 *
 * @param pair   selects the model
 * @param aligns true for forced alignments of given translations, false for translations
 */
public record BatchKey(LanguagePair pair, boolean aligns) {

    @Override
    public String toString() {
        return pair + (aligns ? " (align)" : "");
    }
}
