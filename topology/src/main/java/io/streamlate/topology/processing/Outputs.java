package io.streamlate.topology.processing;

import io.streamlate.model.batching.Completion;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.topology.processing.TranslationProcessor.Sinks;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the processor forwards for an input, on the stream thread: its Translation and Alignment, or its dead letter,
 * each with the input's key and timestamp (a dead letter also with KIP-1034's error headers), reported to the
 * listener.
 */
final class Outputs {

    private static final Logger LOG = LoggerFactory.getLogger(TranslationProcessor.class);

    private final ProcessorContext<byte[], SpecificRecord> context;
    private final TranslationRecords records;
    private final Sinks sinks;
    private final ProcessingListener listener;

    Outputs(ProcessorContext<byte[], SpecificRecord> context, TranslationRecords records, Sinks sinks,
            ProcessingListener listener) {
        this.context = context;
        this.records = records;
        this.sinks = sinks;
        this.listener = listener;
    }

    /** The input's outputs for its completion: the records of a result, the dead letter of a failure. */
    void completed(PendingInput input, Completion<Long> completion) {
        long now = context.currentSystemTimeMs();
        if (completion instanceof Completion.Done<Long> done) {
            long endToEnd = now - input.receivedAtMs();
            Translation translation = records.translation(input, done.result(), done.timings(), endToEnd);
            Alignment alignment = records.alignment(input, done.result());
            context.forward(new Record<>(input.key(), translation, input.timestamp()), sinks.translations());
            context.forward(new Record<>(input.key(), alignment, input.timestamp()), sinks.alignments());
            listener.translated(input.pair(), endToEnd);
            listener.published(translation, alignment);
        } else if (completion instanceof Completion.Failed<Long> failed) {
            deadLetter(input, input.event().getId(), DeadLetters.of(input, failed.error(), now),
                    DeadLetterHeaders.failed(input, failed.error()));
        }
    }

    /** The dead letter of an input found undecodable or invalid. */
    void rejected(PendingInput input, Reading.Rejected rejected) {
        deadLetter(input, rejected.id(), DeadLetters.of(input.key(), input.value(), input.topic(), input.partition(),
                input.offset(), input.timestamp(), rejected.errorClass(), rejected.reason(),
                context.currentSystemTimeMs()), DeadLetterHeaders.rejected(input, rejected.errorClass(),
                rejected.reason()));
    }

    private void deadLetter(PendingInput input, String id, DeadLetter letter, Headers headers) {
        RecordLog.about(LOG.atInfo(), input, id).addKeyValue("error_class", letter.getErrorClass())
                .log("dead-lettered: {}", letter.getReason());
        context.forward(new Record<>(input.key(), letter, input.timestamp(), headers), sinks.deadLetters());
        listener.deadLettered(letter.getErrorClass());
    }
}
