package io.streamlate.topology.processing;

import org.slf4j.spi.LoggingEventBuilder;

/** The keys every per-record log line carries: the event id ("-" while undecoded) and the record's coordinates. */
final class RecordLog {

    private RecordLog() {
    }

    static LoggingEventBuilder about(LoggingEventBuilder line, PendingInput input) {
        return about(line, input, input.decoded() ? input.event().getId() : InputReader.UNKNOWN_ID);
    }

    static LoggingEventBuilder about(LoggingEventBuilder line, PendingInput input, String id) {
        return line.addKeyValue("id", id).addKeyValue("topic", input.topic())
                .addKeyValue("partition", input.partition()).addKeyValue("offset", input.offset());
    }
}
