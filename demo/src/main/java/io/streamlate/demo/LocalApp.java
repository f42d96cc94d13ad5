package io.streamlate.demo;

import io.streamlate.topology.app.ServiceOptions;
import io.streamlate.topology.config.StreamlateConfig;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * README command 1: the service on this machine, with an in-process Kafka broker, an Apicurio registry and the
 * demo ({@link LocalMode}); it keeps translating what is produced to the input topic until Ctrl-C. The service's
 * own options apply; broker and registry are the demo's.
 */
@Command(name = "streamlate-local", mixinStandardHelpOptions = true,
        description = "Runs the service on an in-process Kafka broker and Apicurio registry, produces the demo "
                + "sentences and prints each translation with its word alignment and an attention heatmap.")
public final class LocalApp implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(LocalApp.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(90);

    @Option(names = "--demo-only", description = "exit once the demo's outputs are printed")
    boolean demoOnly;

    @Mixin
    ServiceOptions options;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final Map<String, String> environment;

    LocalApp(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err, System.getenv()));
    }

    /** Runs the command line and returns its exit code (what tests call). */
    static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new LocalApp(out, environment));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        Properties layered;
        try {
            layered = options.layered(environment, Map.of());
            StreamlateConfig.of(layered).engine().requireExported();
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad configuration: " + e.getMessage(),
                    e);
        }
        LocalMode mode = new LocalMode(layered, demoOnly, out);
        Thread hook = new Thread(() -> {
            try {
                if (!mode.stop(SHUTDOWN_WAIT)) {
                    log.error("The local mode did not stop within {}", SHUTDOWN_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.error("Interrupted while stopping the local mode");
            }
        }, "streamlate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int exit = mode.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook); // run() ended by itself (--demo-only)
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or about to, and returns at once
        }
        return exit;
    }
}
