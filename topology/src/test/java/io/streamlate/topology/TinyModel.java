package io.streamlate.topology;

import io.streamlate.model.Translator;
import io.streamlate.model.onnx.SessionSettings;

import java.nio.file.Path;

/** The model module's tiny fixture model, relative to this module (surefire's working directory). */
public final class TinyModel {

    public static final Path DIRECTORY = Path.of("../model/src/test/resources/tiny-en-fr");

    private TinyModel() {
    }

    public static Translator open() {
        return Translator.open(DIRECTORY, SessionSettings.DEFAULT.withThreads(1, 1));
    }
}
