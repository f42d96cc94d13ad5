package io.streamlate.model.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlate.model.alignment.LinkRule;
import io.streamlate.model.TestModels;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.Translator;
import io.streamlate.model.onnx.SessionSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Broken model directories fail at load time with a message that says what to fix. */
class ModelValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path model;

    @BeforeEach
    void copyTinyFixture() throws IOException {
        try (Stream<Path> files = Files.list(TestModels.TINY)) {
            for (Path file : files.toList()) {
                Files.copy(file, model.resolve(file.getFileName()));
            }
        }
    }

    @Test
    void validFixtureLoads() {
        Manifest manifest = ManifestLoader.load(model);

        assertThat(manifest.sourceLanguage()).isEqualTo("en");
        assertThat(manifest.decoderStep().output(GraphRole.Roles.DECODER_STATE).name()).isEqualTo("next_decoder_state");
        assertThat(manifest.encoder().output(GraphRole.Roles.MEMORY).shape())
                .containsExactly(Dimension.dynamic("batch"), Dimension.dynamic("source_length"), Dimension.fixed(32));
    }

    @Test
    void theLinkRuleIsReadFromTheDecodingDefaultsAndArgmaxWithoutOne() throws IOException {
        assertThat(ManifestLoader.load(model).decodingDefaults().linkRule()).isEqualTo(LinkRule.ARGMAX);

        editManifest(m -> m.with("decoding_defaults").put("link_rule", "consuming:threshold=0.3"));

        assertThat(ManifestLoader.load(model).decodingDefaults().linkRule())
                .isEqualTo(LinkRule.parse("consuming:threshold=0.3"));
    }

    @Test
    void badLinkRule() throws IOException {
        editManifest(m -> m.with("decoding_defaults").put("link_rule", "nearest"));

        assertInvalid(() -> ManifestLoader.load(model), "decoding_defaults.link_rule: link rule 'nearest' is not");
    }

    @Test
    void missingManifest() throws IOException {
        Files.delete(model.resolve("manifest.json"));

        assertInvalid(() -> ManifestLoader.load(model), "no manifest.json in model directory");
    }

    @Test
    void missingGraphFile() throws IOException {
        Files.delete(model.resolve("decoder_step.onnx"));

        assertInvalid(() -> ManifestLoader.load(model),
                "graphs.decoder_step.file names decoder_step.onnx, which does not exist");
    }

    @Test
    void missingTokenizerFile() throws IOException {
        Files.delete(model.resolve("target.model"));

        assertInvalid(() -> ManifestLoader.load(model), "tokenizer.target names target.model, which does not exist");
    }

    @Test
    void wrongFormatVersion() throws IOException {
        editManifest(m -> m.put("format_version", 2));

        assertInvalid(() -> ManifestLoader.load(model), "format_version is 2, this engine reads version 1");
    }

    @Test
    void missingRole() throws IOException {
        editManifest(m -> graph(m, "decoder_step").with("outputs").remove("attention"));

        assertInvalid(() -> ManifestLoader.load(model), "graphs.decoder_step.outputs.attention is missing");
    }

    @Test
    void badChecksum() throws IOException {
        editManifest(m -> m.with("files_sha256").put("encoder.onnx", "00".repeat(32)));

        assertInvalid(() -> ManifestLoader.load(model), "sha256 of encoder.onnx is bec0b251");
    }

    @Test
    void wrongTensorNameInManifest() throws IOException {
        editManifest(m -> graph(m, "decoder_step").with("outputs").with("attention").put("name", "attn"));

        assertInvalid(() -> Translator.open(model, SessionSettings.DEFAULT).close(),
                "decoder_step output 'attn' (role attention) is not in the graph");
    }

    @Test
    void wrongFixedDimension() throws IOException {
        editManifest(m -> ((ArrayNode) graph(m, "encoder").with("outputs").with("memory").get("shape")).set(2, 64));

        assertInvalid(() -> Translator.open(model, SessionSettings.DEFAULT).close(),
                "encoder output 'memory' (role memory) axis 2 is 32 in the graph but 64 in the manifest");
    }

    @Test
    void dynamicMemoryWidth() throws IOException {
        editManifest(m -> ((ArrayNode) graph(m, "encoder").with("outputs").with("memory").get("shape"))
                .set(2, "width"));

        assertInvalid(() -> ManifestLoader.load(model), "graphs.encoder.outputs.memory.shape must be [batch, "
                + "source_length, memory width], is [batch, source_length, width]");
    }

    @Test
    void wrongElementType() throws IOException {
        editManifest(m -> graph(m, "encoder").with("inputs").with("source_ids").put("type", "float32"));

        assertInvalid(() -> Translator.open(model, SessionSettings.DEFAULT).close(),
                "encoder input 'source_ids' (role source_ids) is INT64 in the graph but float32 in the manifest");
    }

    private static ObjectNode graph(ObjectNode manifest, String role) {
        return manifest.with("graphs").with(role);
    }

    private void editManifest(Consumer<ObjectNode> edit) throws IOException {
        Path file = model.resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(manifest);
        JSON.writeValue(file.toFile(), manifest);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable load, String message) {
        assertThatThrownBy(load).isInstanceOfSatisfying(TranslationException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.MODEL_INVALID);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
