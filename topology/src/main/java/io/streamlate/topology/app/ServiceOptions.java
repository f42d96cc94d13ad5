package io.streamlate.topology.app;

import io.streamlate.topology.config.StreamlateConfig;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The command-line options of a service main (the service itself and the local demo around it): where the
 * configuration's three layers come from, and the named flags of the command-line layer.
 */
public final class ServiceOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "properties file: Kafka Streams and client "
            + "settings (security.*, sasl.*, ssl.* included) pass through to Kafka Streams; streamlate.* keys "
            + "configure the service; registry client settings go to the serdes. The environment (STREAMLATE_*) "
            + "overrides it, the command line overrides both")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any configuration key, repeatable (highest "
            + "precedence)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--model", paramLabel = "DIR", description = "model directory, repeatable, one per language "
            + "pair (streamlate.models; default: " + StreamlateConfig.DEFAULT_MODELS + ")")
    List<Path> models;

    @Option(names = "--device", description = "cpu or cuda:N (streamlate.device; default: cpu)")
    String device;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads per engine call, 0 = the cores / "
            + "streamlate.batch.workers (streamlate.engine.threads)")
    Integer threads;

    @Option(names = "--http-port", description = "health and metrics port, 0 = any free port, -1 = none "
            + "(streamlate.http.port; default: " + StreamlateConfig.DEFAULT_HTTP_PORT + ")")
    Integer httpPort;

    /**
     * The file, then the environment, then the command line's {@code flags} and these options (where {@code --set}
     * wins over a flag for the same key).
     *
     * @throws ConfigException if the file cannot be read
     */
    public Properties layered(Map<String, String> environment, Map<String, String> flags) {
        Properties file = configFile == null ? new Properties() : ServiceConfig.load(configFile);
        Map<String, String> cli = new TreeMap<>(flags);
        if (models != null) {
            cli.put(StreamlateConfig.MODELS, models.stream().map(Path::toString).collect(Collectors.joining(",")));
        }
        if (device != null) {
            cli.put(StreamlateConfig.DEVICE, device);
        }
        if (threads != null) {
            cli.put(StreamlateConfig.ENGINE_THREADS, threads.toString());
        }
        if (httpPort != null) {
            cli.put(StreamlateConfig.HTTP_PORT, httpPort.toString());
        }
        cli.putAll(settings);
        return ServiceConfig.layered(file, environment, cli);
    }
}
