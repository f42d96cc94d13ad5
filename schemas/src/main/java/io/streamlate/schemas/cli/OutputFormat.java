package io.streamlate.schemas.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;

/** The alignments command's output: one JSON object per record, or one Pharaoh line per alignment. */
enum OutputFormat {
    JSONL,
    PHARAOH;

    String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads the lower-case names the help shows. */
    static final class Converter implements ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            return Arrays.stream(values()).filter(format -> format.optionValue().equals(value)).findFirst()
                    .orElseThrow(() -> new TypeConversionException("'" + value + "' is not jsonl or pharaoh"));
        }
    }

    /** The values the help lists. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(OutputFormat::optionValue).iterator();
        }
    }
}
