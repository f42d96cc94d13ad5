package io.streamlate.schemas.cli;

import org.apache.avro.specific.SpecificRecord;

/** What a source read at one place: a decoded record, or bytes that could not be read and why. */
sealed interface ReadOutcome {

    Origin origin();

    /** An {@code Alignment} or a {@code Translation}. */
    record Decoded(Origin origin, SpecificRecord record) implements ReadOutcome {
    }

    /** A record (or, in a file, the rest of a block) that is skipped; {@code reason} says why. */
    record Unreadable(Origin origin, String reason) implements ReadOutcome {
    }
}
