package io.streamlate.topology.app;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;

import java.util.Map;

/**
 * The exception part of a log line: the stack trace, except for the exceptions Kafka Streams logs on its normal
 * recovery path (after an unclean stop, a task's state is wiped and restored from its changelog; a task that moved
 * to another instance is closed), which print on one line that says so. Written here because logback's converters
 * treat every exception alike; the line before names the tasks, so nothing an operator needs is lost.
 */
public final class RecoveryExceptionConverter extends ThrowableProxyConverter {

    private static final Map<String, String> RECOVERY = Map.of(
            "org.apache.kafka.streams.errors.TaskCorruptedException",
            "normal after an unclean stop: the tasks' state is restored from the changelog",
            "org.apache.kafka.streams.errors.TaskMigratedException",
            "normal in a rebalance: the tasks moved to another member, which redoes their open transaction");

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        String meaning = RECOVERY.get(proxy.getClassName());
        if (meaning == null) {
            return super.throwableProxyToString(proxy);
        }
        return "  " + proxy.getClassName().substring(proxy.getClassName().lastIndexOf('.') + 1) + " (" + meaning
                + "): " + proxy.getMessage() + CoreConstants.LINE_SEPARATOR;
    }
}
