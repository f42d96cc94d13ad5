package io.streamlate.model;

import io.streamlate.model.onnx.SessionSettings;

import java.nio.file.Files;
import java.nio.file.Path;

/** Model directories the tests use, relative to the model module (surefire's working directory). */
public final class TestModels {

    /** Tiny random model with the real contract, written by model/training/make_fixture.py. */
    public static final Path TINY = Path.of("src/test/resources/tiny-en-fr");

    /** The published model; its graphs and reference.json appear once training and export have run. */
    public static final Path REAL = Path.of("artifacts/en-fr");

    private TestModels() {
    }

    /** The tiny fixture, one intra-op thread. */
    public static Translator tiny() {
        return Translator.open(TINY, SessionSettings.DEFAULT.withThreads(1, 1));
    }

    public static boolean realModelExported() {
        return Files.isRegularFile(REAL.resolve("manifest.json")) && Files.isRegularFile(REAL.resolve("reference.json"));
    }
}
