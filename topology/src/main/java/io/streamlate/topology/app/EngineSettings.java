package io.streamlate.topology.app;

import io.streamlate.model.TranslationException;
import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.onnx.Device;
import io.streamlate.model.onnx.SessionSettings;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The models an instance loads and how their ONNX Runtime sessions run.
 *
 * @param models   model directories, one per language pair ({@value ServiceConfig#MODELS})
 * @param sessions device, CPU fallback and thread counts ({@value ServiceConfig#DEVICE},
 *                 {@value ServiceConfig#CPU_FALLBACK}, {@value ServiceConfig#ENGINE_THREADS})
 */
public record EngineSettings(List<Path> models, SessionSettings sessions) {

    public EngineSettings {
        models = List.copyOf(models);
    }

    /** Reads the engine's keys of the layered configuration; a bad value fails naming its key. */
    public static EngineSettings from(Properties all) {
        String modelList = all.getProperty(ServiceConfig.MODELS, ServiceConfig.DEFAULT_MODELS).trim();
        List<Path> models = new ArrayList<>();
        for (String directory : modelList.split(",")) {
            if (!directory.isBlank()) {
                try {
                    models.add(Path.of(directory.trim()));
                } catch (InvalidPathException e) {
                    throw new ConfigException(ServiceConfig.MODELS, modelList, "is not a list of directories: "
                            + e.getMessage());
                }
            }
        }
        if (models.isEmpty()) {
            throw new ConfigException(ServiceConfig.MODELS, modelList, "must name at least one model directory");
        }
        Device device;
        try {
            device = Device.parse(all.getProperty(ServiceConfig.DEVICE, "cpu"));
        } catch (TranslationException e) {
            throw new ConfigException(ServiceConfig.DEVICE, all.getProperty(ServiceConfig.DEVICE),
                    "must be cpu or cuda:N (e.g. cuda:0)");
        }
        String fallback = all.getProperty(ServiceConfig.CPU_FALLBACK, "false").trim();
        if (!fallback.equals("true") && !fallback.equals("false")) {
            throw new ConfigException(ServiceConfig.CPU_FALLBACK, fallback, "must be true or false");
        }
        int threads = ServiceConfig.integer(all, ServiceConfig.ENGINE_THREADS, 0, 0, 1024);
        return new EngineSettings(models, SessionSettings.DEFAULT.withDevice(device)
                .withCpuFallback(Boolean.parseBoolean(fallback)).withThreads(threads, threads > 0 ? 1 : 0));
    }

    /**
     * Fails unless every model directory holds an exported model, naming the key and the directory (checked before
     * anything starts).
     */
    public void requireExported() {
        for (Path model : models) {
            if (!Files.isRegularFile(model.resolve(ManifestLoader.FILE_NAME))) {
                throw new ConfigException(ServiceConfig.MODELS, model.toString(), (Files.isDirectory(model)
                        ? "has no " + ManifestLoader.FILE_NAME + " (not exported yet?)" : "is not a directory")
                        + "; relative paths are from the working directory (" + Path.of("").toAbsolutePath()
                        + "), and the fixture model model/src/test/resources/tiny-en-fr works without training");
            }
        }
    }
}
