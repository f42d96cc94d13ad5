package io.streamlate.demo;

import io.streamlate.model.heatmap.AsciiHeatmap;
import io.streamlate.schemas.alignment.AttentionDecoder;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.Translation;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the service's outputs for a person: each translation once both it and its alignment have arrived (they
 * travel on two topics, joined here by id), with the Pharaoh word alignment and an ASCII heatmap of the attention
 * over subwords, and each dead letter on one line. Not thread-safe: one consumer thread feeds it.
 */
final class OutputPrinter {

    private final PrintStream out;
    private final Map<String, Translation> translations = new HashMap<>();
    private final Map<String, Alignment> alignments = new HashMap<>();
    private int translated;
    private int deadLetters;

    OutputPrinter(PrintStream out) {
        this.out = out;
    }

    void translation(Translation translation) {
        Alignment alignment = alignments.remove(translation.getId());
        if (alignment == null) {
            translations.put(translation.getId(), translation);
        } else {
            print(translation, alignment);
        }
    }

    void alignment(Alignment alignment) {
        Translation translation = translations.remove(alignment.getId());
        if (translation == null) {
            alignments.put(alignment.getId(), alignment);
        } else {
            print(translation, alignment);
        }
    }

    void deadLetter(DeadLetter letter) {
        deadLetters++;
        out.printf("[dead letter] %s: %s (%s-%d@%d)%n%n", letter.getErrorClass(), letter.getReason(),
                letter.getTopic(), letter.getPartition(), letter.getOffset());
        out.flush();
    }

    int translated() {
        return translated;
    }

    int deadLetters() {
        return deadLetters;
    }

    private void print(Translation translation, Alignment alignment) {
        translated++;
        out.printf("[%s -> %s] %s%n", translation.getSourceLanguage(), translation.getTargetLanguage(),
                translation.getSourceText());
        out.printf("  translation: %s%n", translation.getTranslatedText() + (translation.getGivenTranslation()
                ? String.format(" (given, aligned; model log-prob %.2f)", translation.getScore()) : ""));
        out.printf("  alignment:   %s%n", translation.getAlignment().isEmpty() ? "(none)" : translation.getAlignment());
        List<String> source = List.copyOf(alignment.getSourceSubwords());
        List<String> target = List.copyOf(alignment.getTargetSubwords());
        ByteBuffer bytes = alignment.getAttention().duplicate();
        byte[] payload = new byte[bytes.remaining()];
        bytes.get(payload);
        float[][] attention = AttentionDecoder.decode(payload);
        if (attention.length == target.size() && (attention.length == 0 || attention[0].length == source.size())) {
            AsciiHeatmap.render(source, target, attention).lines().forEach(line -> out.println("    " + line));
        }
        out.println();
        out.flush();
    }
}
