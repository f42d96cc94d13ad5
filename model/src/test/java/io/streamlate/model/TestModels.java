package io.streamlate.model;

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

    public static boolean realModelExported() {
        return Files.isRegularFile(REAL.resolve("manifest.json")) && Files.isRegularFile(REAL.resolve("reference.json"));
    }
}
