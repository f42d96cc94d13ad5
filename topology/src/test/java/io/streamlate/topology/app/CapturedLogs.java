package io.streamlate.topology.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every event the service's logging configuration lets through while open, from every thread, as text: each
 * message with its stack trace, to check what an operator's log would show.
 */
final class CapturedLogs implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLogs() {
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    static CapturedLogs start() {
        return new CapturedLogs();
    }

    String text() {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = List.copyOf(appender.list);
        }
        return events.stream().map(event -> event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()))).collect(Collectors.joining("\n"));
    }

    int events() {
        synchronized (appender) {
            return appender.list.size();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
