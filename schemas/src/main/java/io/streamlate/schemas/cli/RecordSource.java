package io.streamlate.schemas.cli;

import java.io.IOException;
import java.util.function.Predicate;

/** Where the alignments command reads: a Kafka cluster or an Avro container file. */
interface RecordSource extends AutoCloseable {

    /**
     * Hands every outcome to {@code wantsMore} in order until the source ends, {@code wantsMore} answers false, or
     * {@link #stop()} is called.
     */
    void readInto(Predicate<ReadOutcome> wantsMore) throws IOException;

    /** Ends {@link #readInto} soon; callable from any thread (the shutdown hook's). */
    void stop();

    @Override
    void close() throws IOException;
}
