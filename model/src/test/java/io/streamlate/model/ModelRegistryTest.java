package io.streamlate.model;

import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.onnx.SessionSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelRegistryTest {

    @Test
    void looksModelsUpByLanguagePair() {
        try (ModelRegistry registry = new ModelRegistry(SessionSettings.DEFAULT)) {
            LanguagePair pair = registry.load(TestModels.TINY);

            assertThat(pair).isEqualTo(new LanguagePair("en", "fr"));
            assertThat(registry.get(pair).translate("Save", TranslationOptions.DEFAULT).text()).isNotBlank();
            assertThatThrownBy(() -> registry.get(new LanguagePair("fr", "en")))
                    .isInstanceOfSatisfying(TranslationException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_LANGUAGE_PAIR));
        }
    }

    @Test
    void refusesASecondModelForTheSamePair() {
        try (ModelRegistry registry = new ModelRegistry(SessionSettings.DEFAULT)) {
            registry.load(TestModels.TINY);

            assertThatThrownBy(() -> registry.load(TestModels.TINY)).hasMessageContaining("already loaded");
            assertThat(registry.languagePairs()).containsExactly(new LanguagePair("en", "fr"));
        }
    }
}
