package io.streamlate.schemas.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.Translation;
import io.streamlate.schemas.json.AlignmentJson;
import io.streamlate.schemas.json.PharaohLinks;
import io.streamlate.schemas.json.TranslationJson;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Writes each read outcome: a decoded record as one line on stdout in the chosen format, flushed at once so that
 * pipelines see it; an unreadable one, or a record whose attention or Pharaoh string cannot be read, as one report
 * line on stderr. Counts both for the summary.
 */
final class RecordPrinter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputFormat format;
    private final PrintWriter out;
    private final PrintWriter err;
    private long written;
    private long skipped;
    private long translationsLeftOut;

    RecordPrinter(OutputFormat format, PrintWriter out, PrintWriter err) {
        this.format = format;
        this.out = out;
        this.err = err;
    }

    void print(ReadOutcome outcome) {
        if (outcome instanceof ReadOutcome.Unreadable unreadable) {
            skip(unreadable.origin(), unreadable.reason());
            return;
        }
        ReadOutcome.Decoded decoded = (ReadOutcome.Decoded) outcome;
        Optional<String> line;
        try {
            line = format == OutputFormat.JSONL ? Optional.of(jsonLine(decoded)) : pharaohLine(decoded);
        } catch (InvalidPayloadException e) {
            skip(decoded.origin(), e.getMessage());
            return;
        }
        if (line.isEmpty()) {
            translationsLeftOut++;
            return;
        }
        out.println(line.get());
        if (!stdoutClosed()) {
            written++;
        }
    }

    /** Whether stdout stopped taking lines (the reader of a pipe, such as {@code head}, is gone); flushes it. */
    boolean stdoutClosed() {
        return out.checkError();
    }

    long written() {
        return written;
    }

    /** One line for stderr: how many records went out and how many were skipped. */
    String summary() {
        return "alignments: " + written + " records written, " + skipped + " skipped"
                + (translationsLeftOut == 0 ? "" : ", " + translationsLeftOut + " translations not written (no "
                + "pharaoh format for them)");
    }

    private void skip(Origin origin, String reason) {
        skipped++;
        err.println("alignments: skipped " + origin.describe() + ": " + reason);
        err.flush();
    }

    private static String jsonLine(ReadOutcome.Decoded decoded) {
        ObjectNode line = JSON.createObjectNode();
        if (decoded.record() instanceof Alignment alignment) {
            line.put("type", "alignment").setAll(AlignmentJson.of(alignment));
        } else {
            line.put("type", "translation").setAll(TranslationJson.of((Translation) decoded.record()));
        }
        decoded.origin().addTo(line);
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree always serialises", e);
        }
    }

    /** @return empty for a translation, which has no line in this format */
    private static Optional<String> pharaohLine(ReadOutcome.Decoded decoded) {
        if (!(decoded.record() instanceof Alignment alignment)) {
            return Optional.empty();
        }
        return Optional.of(PharaohLinks.parse(alignment.getHardAlignment()).stream()
                .map(link -> link[0] + "-" + link[1])
                .collect(Collectors.joining(" ")));
    }
}
