package io.streamlate.schemas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlate.schemas.SampleRecords;
import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.SentenceEvent;
import io.streamlate.schemas.avro.Translation;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The alignments command on Avro container files, with one block per record so that a fault hits one block. */
class AlignmentsCommandFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void readsEveryBlockAroundACorruptOne() throws Exception {
        Path file = directory.resolve("alignments.avro");
        List<Long> blockStarts = write(file, Alignment.getClassSchema(), alignments("a-0", "a-1", "a-2", "a-3"));
        long badBlock = blockStarts.get(2);
        try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
            // past the block's record count and size: the record's first strings no longer parse
            bytes.seek(badBlock + 3);
            byte[] garbage = new byte[16];
            Arrays.fill(garbage, (byte) 0xFF);
            bytes.write(garbage);
        }

        CommandRun run = new CommandRun();

        assertThat(run.execute("--file", file.toString())).as("stderr: %s", run.err.text()).isZero();
        assertThat(ids(run.out.lines())).containsExactly("a-0", "a-1", "a-3");
        assertThat(JSON.readTree(run.out.lines().get(2)).path("file").toString()).isEqualTo("{\"path\":\""
                + file + "\",\"block_start\":" + blockStarts.get(3) + ",\"record\":0}");
        assertThat(run.err.lines()).hasSize(2);
        assertThat(run.err.lines().get(0)).startsWith("alignments: skipped " + file + " block at byte " + badBlock
                + ": the rest of the block is unreadable: ");
        assertThat(run.err.lines().get(1)).isEqualTo("alignments: 3 records written, 1 skipped");
    }

    @Test
    void aBlockCutShortByTheEndOfTheFileIsReported() throws Exception {
        Path file = directory.resolve("cut.avro");
        List<Long> blockStarts = write(file, Alignment.getClassSchema(), alignments("a-0", "a-1"));
        try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
            bytes.setLength(blockStarts.get(1) + 10);
        }

        CommandRun run = new CommandRun();

        assertThat(run.execute("--file", file.toString())).isZero();
        assertThat(ids(run.out.lines())).containsExactly("a-0");
        assertThat(run.err.lines()).containsExactly("alignments: skipped " + file + " block at byte "
                + blockStarts.get(1) + ": the rest of the block is unreadable: java.io.IOException: the block ends "
                + "past the end of the file", "alignments: 1 records written, 1 skipped");
    }

    @Test
    void aRecordWithABadPharaohStringIsSkippedAlone() throws Exception {
        Path file = directory.resolve("pharaoh.avro");
        List<SpecificRecord> records = alignments("a-0", "a-bad", "a-2");
        ((Alignment) records.get(1)).setHardAlignment("0-0 1-");
        List<Long> blockStarts = write(file, Alignment.getClassSchema(), records);

        CommandRun run = new CommandRun();

        assertThat(run.execute("--file", file.toString(), "--format", "pharaoh")).isZero();
        assertThat(run.out.lines()).containsExactly("0-0 1-1 2-2", "0-0 1-1 2-2");
        assertThat(run.err.lines()).containsExactly("alignments: skipped " + file + " block at byte "
                + blockStarts.get(1) + ", record 0: CORRUPT: '1-' in hard_alignment is not a Pharaoh link i-j",
                "alignments: 2 records written, 1 skipped");
    }

    @Test
    void readsAFileOfTranslations() throws Exception {
        Path file = directory.resolve("translations.avro");
        write(file, Translation.getClassSchema(), List.of(SampleRecords.translation()));

        CommandRun run = new CommandRun();

        assertThat(run.execute("--file", file.toString())).isZero();
        assertThat(run.out.lines()).hasSize(1);
        assertThat(JSON.readTree(run.out.lines().get(0)).path("type").asText()).isEqualTo("translation");
        assertThat(JSON.readTree(run.out.lines().get(0)).path("translated_text").asText()).isEqualTo("Le chat dort.");
    }

    @Test
    void aFileOfAnotherRecordTypeCannotBeRead() throws Exception {
        Path file = directory.resolve("sentences.avro");
        write(file, SentenceEvent.getClassSchema(), List.of(SampleRecords.sentenceEvent()));

        CommandRun run = new CommandRun();

        assertThat(run.execute("--file", file.toString())).isEqualTo(1);
        assertThat(run.out.text()).isEmpty();
        assertThat(run.err.text()).contains("holds io.streamlate.schemas.avro.SentenceEvent records, neither "
                + "Alignment nor Translation");
    }

    @Test
    void followIsForKafkaOnly() throws Exception {
        Path file = directory.resolve("alignments.avro");
        write(file, Alignment.getClassSchema(), alignments("a-0"));

        CommandRun run = new CommandRun();

        assertThat(run.execute("--file", file.toString(), "--follow")).isEqualTo(2);
        assertThat(run.err.text()).contains("--follow, --group and --schema-registry-url are for Kafka, not --file");
    }

    @Test
    void stopsWhenStdoutIsClosed() throws Exception {
        Path file = directory.resolve("alignments.avro");
        write(file, Alignment.getClassSchema(), alignments("a-0", "a-1", "a-2"));
        CapturedOutput err = new CapturedOutput();
        CommandLine commandLine = new CommandLine(new AlignmentsCommand());
        commandLine.setOut(new PrintWriter(new OneLinePipe(), true));
        commandLine.setErr(err.writer());

        assertThat(commandLine.execute("--file", file.toString())).isZero();
        assertThat(err.lines()).containsExactly("alignments: 1 records written, 0 skipped");
    }

    /** A pipe whose reader leaves after the first line, as {@code head -1} does. */
    private static final class OneLinePipe extends OutputStream {
        private boolean lineRead;

        @Override
        public void write(int b) throws IOException {
            if (lineRead) {
                throw new IOException("Broken pipe");
            }
            lineRead = b == '\n';
        }
    }

    private static List<SpecificRecord> alignments(String... ids) {
        List<SpecificRecord> records = new ArrayList<>();
        for (String id : ids) {
            Alignment alignment = SampleRecords.alignment();
            alignment.setId(id);
            records.add(alignment);
        }
        return records;
    }

    /** Writes one block per record; returns where each block starts. */
    private static List<Long> write(Path file, Schema schema, List<SpecificRecord> records)
            throws IOException {
        List<Long> blockStarts = new ArrayList<>();
        try (DataFileWriter<SpecificRecord> writer = new DataFileWriter<>(new SpecificDatumWriter<>(schema))) {
            writer.create(schema, file.toFile());
            for (SpecificRecord record : records) {
                blockStarts.add(writer.sync());
                writer.append(record);
            }
        }
        return blockStarts;
    }

    private static List<String> ids(List<String> lines) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            ids.add(JSON.readTree(line).path("id").asText());
        }
        return ids;
    }
}
