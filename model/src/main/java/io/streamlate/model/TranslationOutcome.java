package io.streamlate.model;

import java.util.Objects;

/**
 * One sentence of a batch: either its result or the error that sentence alone hit (e.g. EMPTY_INPUT), so one
 * bad sentence never fails the others.
 */
public record TranslationOutcome(TranslationResult result, TranslationException error) {

    public TranslationOutcome {
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of result and error must be set");
        }
    }

    public static TranslationOutcome success(TranslationResult result) {
        return new TranslationOutcome(Objects.requireNonNull(result), null);
    }

    public static TranslationOutcome failure(TranslationException error) {
        return new TranslationOutcome(null, Objects.requireNonNull(error));
    }

    public boolean isSuccess() {
        return result != null;
    }

    /** The result, or the sentence's error thrown. */
    public TranslationResult orThrow() {
        if (error != null) {
            throw error;
        }
        return result;
    }
}
