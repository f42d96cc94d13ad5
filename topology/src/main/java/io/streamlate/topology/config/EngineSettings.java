package io.streamlate.topology.config;

import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.onnx.SessionSettings;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The models an instance loads and how their ONNX Runtime sessions run: the engine's view of
 * {@link StreamlateConfig}.
 *
 * @param models   model directories, one per language pair ({@value StreamlateConfig#MODELS})
 * @param sessions device, CPU fallback, thread counts and precision ({@value StreamlateConfig#DEVICE},
 *                 {@value StreamlateConfig#CPU_FALLBACK}, {@value StreamlateConfig#ENGINE_THREADS},
 *                 {@value StreamlateConfig#ENGINE_PRECISION})
 */
public record EngineSettings(List<Path> models, SessionSettings sessions) {

    public EngineSettings {
        models = List.copyOf(models);
    }

    /**
     * Fails unless every model directory holds an exported model, naming the key and the directory (checked before
     * anything starts).
     */
    public void requireExported() {
        for (Path model : models) {
            if (!Files.isRegularFile(model.resolve(ManifestLoader.FILE_NAME))) {
                throw new ConfigException(StreamlateConfig.MODELS, model.toString(), (Files.isDirectory(model)
                        ? "has no " + ManifestLoader.FILE_NAME + " (not exported yet?)" : "is not a directory")
                        + "; relative paths are from the working directory (" + Path.of("").toAbsolutePath()
                        + "), and the fixture model model/src/test/resources/tiny-en-fr works without training");
            }
        }
    }
}
