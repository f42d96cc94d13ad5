package io.streamlate.schemas.cli;

import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.Translation;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Reads an Avro object container file of Alignment or Translation records (what Kafka Connect's file and S3 sinks
 * write), resolved into the current schema. A block that cannot be read (a bad sync marker, a codec error, a
 * record that does not parse, a size past the end of the file) is reported once and reading goes on after the
 * next sync marker; the records of that block that were read before the fault stay written.
 */
final class ContainerFileSource implements RecordSource {

    private final Path file;
    private final DataFileReader<SpecificRecord> reader;
    private final long length;
    private volatile boolean stopping;

    private ContainerFileSource(Path file, DataFileReader<SpecificRecord> reader, long length) {
        this.file = file;
        this.reader = reader;
        this.length = length;
    }

    /** @throws IOException when the file cannot be read or is not a container file of Alignment or Translation */
    static ContainerFileSource open(Path file) throws IOException {
        SpecificDatumReader<SpecificRecord> datumReader = new SpecificDatumReader<>();
        DataFileReader<SpecificRecord> reader = new DataFileReader<>(file.toFile(), datumReader);
        String writer = reader.getSchema().getFullName();
        Schema current = writer.equals(Alignment.getClassSchema().getFullName()) ? Alignment.getClassSchema()
                : writer.equals(Translation.getClassSchema().getFullName()) ? Translation.getClassSchema() : null;
        if (current == null) {
            reader.close();
            throw new IOException(file + " holds " + writer + " records, neither Alignment nor Translation");
        }
        datumReader.setExpected(current);
        return new ContainerFileSource(file, reader, Files.size(file));
    }

    @Override
    public void readInto(Predicate<ReadOutcome> wantsMore) throws IOException {
        long block = -1;
        int record = 0;
        while (!stopping) {
            long blockStart = reader.previousSync();
            if (blockStart != block) {
                block = blockStart;
                record = 0;
            }
            Origin.FileBlock origin = new Origin.FileBlock(file, block, record);
            SpecificRecord read;
            try {
                if (!reader.hasNext()) {
                    if (reader.previousSync() >= length) {
                        return;
                    }
                    throw new IOException("the block ends past the end of the file");
                }
                read = reader.next();
            } catch (IOException | RuntimeException e) {
                wantsMore.test(new ReadOutcome.Unreadable(new Origin.FileBlock(file, block,
                        Origin.FileBlock.WHOLE_BLOCK), "the rest of the block is unreadable: " + rootCause(e)));
                reader.sync(block);
                continue;
            }
            record++;
            if (!wantsMore.test(new ReadOutcome.Decoded(origin, read))) {
                return;
            }
        }
    }

    /** Avro wraps the codec's and the stream's IOExceptions; the innermost one says what is wrong. */
    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
