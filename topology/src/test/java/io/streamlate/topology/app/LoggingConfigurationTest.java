package io.streamlate.topology.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped logback.xml, loaded as the service loads it, writing to a captured standard error. */
class LoggingConfigurationTest {

    @Test
    void recoveryExceptionsPrintOnOneLineOthersWithTheirStackAndRecordLinesWithTheirCoordinates() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's own start-up gives its default context
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LoggingConfigurationTest.class.getResource("/logback.xml"));
            Logger streamThread = context.getLogger("org.apache.kafka.streams.processor.internals.StreamThread");
            streamThread.warn("Detected the states of tasks [0_1] are corrupted.",
                    new TaskCorruptedException(Set.of(new TaskId(0, 1))));
            streamThread.warn("Detected that the thread is being fenced.",
                    new TaskMigratedException("Producer got fenced trying to commit a transaction"));
            streamThread.error("Unexpected failure", new IllegalStateException("boom"));
            streamThread.info("below the threshold for Kafka's loggers");
            Logger ours = context.getLogger("io.streamlate.topology.processing.TranslationProcessor");
            ours.atInfo().addKeyValue("id", "s0").addKeyValue("offset", 7).log("dead-lettered");
            ours.info("Started");
        } finally {
            System.setErr(original);
            context.stop();
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .map(line -> line.replaceFirst("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ", "")).toList();

        assertThat(lines.subList(0, 4)).containsExactly(
                "[main] WARN  StreamThread - Detected the states of tasks [0_1] are corrupted.",
                "  TaskCorruptedException (normal after an unclean stop: the tasks' state is restored from the "
                        + "changelog): Tasks [0_1] are corrupted and hence need to be re-initialized",
                "[main] WARN  StreamThread - Detected that the thread is being fenced.",
                "  TaskMigratedException (normal in a rebalance: the tasks moved to another member, which redoes "
                        + "their open transaction): Producer got fenced trying to commit a transaction; it means all "
                        + "tasks belonging to this thread should be migrated.");
        assertThat(lines.get(4)).isEqualTo("[main] ERROR StreamThread - Unexpected failure");
        assertThat(lines.get(5)).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(lines.get(6)).startsWith("\tat io.streamlate.topology.app.LoggingConfigurationTest.");
        assertThat(lines).doesNotContain("[main] INFO  StreamThread - below the threshold for Kafka's loggers");
        assertThat(lines.subList(lines.size() - 2, lines.size())).containsExactly(
                "[main] INFO  TranslationProcessor - id=s0 offset=7 dead-lettered",
                "[main] INFO  TranslationProcessor - Started");
    }
}
