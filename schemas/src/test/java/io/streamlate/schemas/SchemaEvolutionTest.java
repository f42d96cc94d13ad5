package io.streamlate.schemas;

import io.streamlate.schemas.avro.DeadLetter;
import io.streamlate.schemas.avro.ErrorClass;
import io.streamlate.schemas.avro.SentenceEvent;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enforces the FULL_TRANSITIVE rule of schemas/README.md: the current schema reads every released version and
 * every released version reads the current one, checked by Avro's resolver and by decoding real bytes.
 */
class SchemaEvolutionTest {

    private static final String ADDED_FIELD = "added_in_test";

    static Stream<Arguments> releasedVersions() {
        List<Arguments> cases = new ArrayList<>();
        for (SpecificRecord sample : SampleRecords.all()) {
            for (Path released : releasedVersionsOf(sample.getSchema().getName())) {
                cases.add(Arguments.of(released.getFileName().toString(), sample, parse(released)));
            }
        }
        return cases.stream();
    }

    static Stream<SpecificRecord> samples() {
        return SampleRecords.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releasedVersions")
    void currentAndReleasedSchemasResolveInBothDirections(String file, SpecificRecord sample, Schema released) {
        Schema current = sample.getSchema();

        assertThat(compatibility(current, released)).as("current reads %s", file)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(compatibility(released, current)).as("%s reads current", file)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releasedVersions")
    void aReleasedReaderDecodesARecordWrittenWithTheCurrentSchema(String file, SpecificRecord sample,
                                                                  Schema released) throws IOException {
        byte[] bytes = write(new SpecificDatumWriter<>(sample.getSchema(), specificData(sample)), sample);

        GenericRecord seenByOldReader = read(new GenericDatumReader<>(sample.getSchema(), released), bytes);

        // compared as JSON text: the released schema reads strings as Utf8, the generated one as String
        GenericRecord asWritten = read(new GenericDatumReader<>(sample.getSchema()), bytes);
        for (Schema.Field field : released.getFields()) {
            assertThat(GenericData.get().toString(seenByOldReader.get(field.name()))).as(field.name())
                    .isEqualTo(GenericData.get().toString(asWritten.get(field.name())));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void theGeneratedClassDecodesARecordWrittenByAWriterWithAnAddedField(SpecificRecord sample) throws IOException {
        Schema current = sample.getSchema();
        Schema evolved = withAddedStringField(current);
        assertThat(compatibility(current, evolved)).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(compatibility(evolved, current)).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        GenericRecord newer = read(new GenericDatumReader<>(current, evolved),
                write(new SpecificDatumWriter<>(current, specificData(sample)), sample));
        newer.put(ADDED_FIELD, "set by a newer producer");

        SpecificRecord decoded = read(new SpecificDatumReader<>(evolved, current, specificData(sample)),
                write(new GenericDatumWriter<>(evolved), newer));

        assertThat(decoded).isEqualTo(sample);
    }

    @Test
    void aDeadLetterWithAnErrorClassThisReaderDoesNotKnowReadsAsUnknown() throws IOException {
        DeadLetter sample = SampleRecords.deadLetter();
        Schema evolved = new Schema.Parser().parse(DeadLetter.getClassSchema().toString()
                .replace("\"INFERENCE_FAILED\"]", "\"INFERENCE_FAILED\",\"MODEL_OVERLOADED\"]"));
        GenericRecord newer = read(new GenericDatumReader<>(DeadLetter.getClassSchema(), evolved),
                write(new SpecificDatumWriter<>(DeadLetter.class), sample));
        newer.put("error_class", new GenericData.EnumSymbol(evolved.getField("error_class").schema(),
                "MODEL_OVERLOADED"));

        DeadLetter decoded = read(new SpecificDatumReader<>(evolved, DeadLetter.getClassSchema(),
                specificData(sample)), write(new GenericDatumWriter<>(evolved), newer));

        assertThat(decoded.getErrorClass()).isEqualTo(ErrorClass.UNKNOWN);
    }

    @Test
    void theCheckRejectsAFieldAddedWithoutADefault() {
        Schema current = SentenceEvent.getClassSchema();
        Schema broken = withField(current, new Schema.Field("priority", Schema.create(Schema.Type.INT)));

        assertThat(compatibility(broken, current)).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void theCheckRejectsARenameWithoutAnAlias() {
        Schema current = SentenceEvent.getClassSchema();
        Schema renamed = new Schema.Parser().parse(current.toString().replace("\"text\"", "\"body\""));

        assertThat(compatibility(renamed, current)).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void everySchemaHasAReleasedVersionAndEveryReleasedFileASchema() throws IOException {
        List<String> names = SampleRecords.all().stream().map(r -> r.getSchema().getName()).toList();
        try (Stream<Path> files = Files.list(releasedDirectory())) {
            assertThat(files.map(p -> p.getFileName().toString().replaceFirst("-v\\d+\\.avsc$", "")).distinct())
                    .containsExactlyInAnyOrderElementsOf(names);
        }
    }

    private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
    }

    private static Schema withAddedStringField(Schema schema) {
        return withField(schema, new Schema.Field(ADDED_FIELD, Schema.create(Schema.Type.STRING),
                "a field a later version might add", "none"));
    }

    private static Schema withField(Schema schema, Schema.Field added) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(added);
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static SpecificData specificData(SpecificRecord record) {
        // the generated class's model, which carries the timestamp-millis <-> Instant conversion
        return SpecificData.getForClass(record.getClass());
    }

    private static <T> byte[] write(DatumWriter<T> writer, T datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Encoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static <T> T read(DatumReader<T> reader, byte[] bytes) throws IOException {
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }

    private static List<Path> releasedVersionsOf(String name) {
        try (Stream<Path> files = Files.list(releasedDirectory())) {
            return files.filter(p -> p.getFileName().toString().matches(name + "-v\\d+\\.avsc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path releasedDirectory() {
        try {
            return Path.of(SchemaEvolutionTest.class.getResource("/released").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Schema parse(Path file) {
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
