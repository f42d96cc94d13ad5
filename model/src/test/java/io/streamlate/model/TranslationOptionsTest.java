package io.streamlate.model;

import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.alignment.LinkRule;
import io.streamlate.model.manifest.DecodingDefaults;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TranslationOptionsTest {

    @Test
    void defaultsAreGreedyWithTheReferenceLengthLimitAndValid() {
        TranslationOptions options = TranslationOptions.DEFAULT.validate();

        assertThat(options.beamSize()).isEqualTo(1);
        assertThat(options.maxLengthA()).isEqualTo(2.0);
        assertThat(options.maxLengthB()).isEqualTo(10);
    }

    @Test
    void manifestDefaultsCarryOver() {
        TranslationOptions options = TranslationOptions.fromManifest(new DecodingDefaults(4, 0.6, 1.5, 5, LinkRule.ARGMAX));

        assertThat(options).extracting(TranslationOptions::beamSize, TranslationOptions::lengthPenalty,
                TranslationOptions::maxLengthA, TranslationOptions::maxLengthB).containsExactly(4, 0.6, 1.5, 5);
    }

    @Test
    void validationNamesTheOptionAndItsBound() {
        assertInvalid(TranslationOptions.DEFAULT.withBeamSize(0), "beamSize is 0, must be between 1 and 64");
        assertInvalid(TranslationOptions.DEFAULT.withLengthPenalty(-1), "lengthPenalty is -1.0, must be between 0 and 10");
        assertInvalid(TranslationOptions.DEFAULT.withMaxLength(2.0, 0), "maxLengthB is 0, must be between 1 and 1000");
        assertInvalid(TranslationOptions.DEFAULT.withMaxLength(-0.5, 10), "maxLengthA is -0.5, must be between 0 and 10");
        assertInvalid(TranslationOptions.DEFAULT.withBatchLimits(0, 8), "maxBatchTokens is 0, must be at least 1");
        assertInvalid(TranslationOptions.DEFAULT.withBatchLimits(64, 0), "maxBatchSentences is 0, must be at least 1");
    }

    private static void assertInvalid(TranslationOptions options, String message) {
        assertThatThrownBy(options::validate).isInstanceOfSatisfying(TranslationException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INVALID_OPTIONS);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
