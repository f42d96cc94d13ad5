package io.streamlate.model;

import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.onnx.SessionSettings;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Several loaded models at once, looked up by language pair (from each manifest's languages). Owns them. */
public final class ModelRegistry implements AutoCloseable {

    private final Map<LanguagePair, Translator> translators = new ConcurrentHashMap<>();
    private final SessionSettings settings;

    public ModelRegistry(SessionSettings settings) {
        this.settings = settings;
    }

    /** Loads the model in {@code directory} and registers it under its manifest's language pair. */
    public LanguagePair load(Path directory) {
        Translator translator = Translator.open(directory, settings);
        LanguagePair pair = new LanguagePair(translator.manifest().sourceLanguage(),
                translator.manifest().targetLanguage());
        Translator previous = translators.putIfAbsent(pair, translator);
        if (previous != null) {
            translator.close();
            throw new TranslationException(Reason.MODEL_INVALID, "a model for " + pair + " is already loaded ("
                    + previous.manifest().directory() + "); unload it first");
        }
        return pair;
    }

    /** The model for {@code pair}, if one is loaded. */
    public Optional<Translator> find(LanguagePair pair) {
        return Optional.ofNullable(translators.get(pair));
    }

    /** The model for {@code pair}; UNSUPPORTED_LANGUAGE_PAIR when none is loaded. */
    public Translator get(LanguagePair pair) {
        Translator translator = translators.get(pair);
        if (translator == null) {
            throw new TranslationException(Reason.UNSUPPORTED_LANGUAGE_PAIR,
                    "no model for " + pair + "; loaded: " + translators.keySet());
        }
        return translator;
    }

    public Set<LanguagePair> languagePairs() {
        return Set.copyOf(translators.keySet());
    }

    private void unload(LanguagePair pair) {
        Translator translator = translators.remove(pair);
        if (translator != null) {
            translator.close();
        }
    }

    @Override
    public void close() {
        translators.keySet().forEach(this::unload);
    }
}
