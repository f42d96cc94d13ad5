package io.streamlate.model.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.alignment.LinkRule;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads manifest.json and checks everything that can be checked without ONNX Runtime: format, roles, files
 * and their checksums. All problems are collected into one message, so a user fixes a broken export in one go.
 * (The graphs' actual tensor names and types are checked against this manifest by the onnx package.)
 */
public final class ManifestLoader {

    public static final String FILE_NAME = "manifest.json";
    public static final String FORMAT = "streamlate-attention-model";
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestLoader() {
    }

    public static Manifest load(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw invalid(List.of("no " + FILE_NAME + " in model directory " + directory.toAbsolutePath()
                    + " (export the model with model/training/export.py)"));
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TranslationException(Reason.MODEL_INVALID, "cannot parse " + file + ": " + e.getMessage(), e);
        }
        return new Parser(directory, root).parse();
    }

    private static TranslationException invalid(List<String> problems) {
        return new TranslationException(Reason.MODEL_INVALID, "invalid model: " + String.join("; ", problems));
    }

    /** One parse: accumulates problems instead of failing on the first. */
    private static final class Parser {
        private final Path directory;
        private final JsonNode root;
        private final List<String> problems = new ArrayList<>();

        Parser(Path directory, JsonNode root) {
            this.directory = directory;
            this.root = root;
        }

        Manifest parse() {
            String format = text(root, "format");
            if (format != null && !FORMAT.equals(format)) {
                problems.add("format is '" + format + "', expected '" + FORMAT + "'");
            }
            JsonNode version = root.path("format_version");
            if (!version.isInt() || version.intValue() != FORMAT_VERSION) {
                problems.add("format_version is " + version + ", this engine reads version " + FORMAT_VERSION);
            }
            GraphSpec encoder = graph(GraphRole.ENCODER);
            GraphSpec decoderStep = graph(GraphRole.DECODER_STEP);
            requireFixedLast(GraphRole.DECODER_STEP, decoderStep, GraphRole.Roles.LOG_PROBS,
                    "[batch, vocabulary size]");
            requireFixedLast(GraphRole.ENCODER, encoder, GraphRole.Roles.MEMORY,
                    "[batch, source_length, memory width]");
            requireFixedLast(GraphRole.ENCODER, encoder, GraphRole.Roles.DECODER_STATE, "[batch, state size]");
            Optional<GraphSpec> decoderStepTopK = root.path("graphs").has(GraphRole.DECODER_STEP_TOP_K.key())
                    ? Optional.of(graph(GraphRole.DECODER_STEP_TOP_K)) : Optional.empty();
            Map<Precision, Map<GraphRole, String>> precisionFiles = precisions(decoderStepTopK.isPresent());
            JsonNode tokenizer = root.path("tokenizer");
            String tokenizerType = text(tokenizer, "type");
            if (tokenizerType != null && !"sentencepiece".equals(tokenizerType)) {
                problems.add("tokenizer.type is '" + tokenizerType + "', only 'sentencepiece' is supported");
            }
            Path sourceModel = existingFile(text(tokenizer, "source"), "tokenizer.source");
            Path targetModel = existingFile(text(tokenizer, "target"), "tokenizer.target");
            JsonNode special = root.path("special_tokens");
            SpecialTokens specialTokens = new SpecialTokens(integer(special, "pad"), integer(special, "unk"),
                    integer(special, "bos"), integer(special, "eos"));
            JsonNode defaults = root.path("decoding_defaults");
            DecodingDefaults decodingDefaults = new DecodingDefaults(integer(defaults, "beam_size"),
                    number(defaults, "length_penalty"), number(defaults, "max_length_a"),
                    integer(defaults, "max_length_b"), linkRule(defaults));
            int maxSourceLength = integer(root, "max_source_length");
            if (root.has("max_source_length") && maxSourceLength < 1) {
                problems.add("max_source_length must be >= 1, is " + maxSourceLength);
            }
            List<String> files = new ArrayList<>(List.of(nullToEmpty(encoder.file()), nullToEmpty(decoderStep.file())));
            decoderStepTopK.ifPresent(graph -> files.add(nullToEmpty(graph.file())));
            precisionFiles.values().forEach(variant -> files.addAll(variant.values()));
            Map<String, String> sha256 = checksums(files);
            JsonNode model = root.path("model");
            JsonNode languages = root.path("languages");
            Manifest manifest = new Manifest(directory, text(model, "id"), text(model, "version"),
                    text(languages, "source"), text(languages, "target"), encoder, decoderStep, decoderStepTopK,
                    precisionFiles, sourceModel, targetModel, specialTokens, maxSourceLength, decodingDefaults,
                    sha256);
            if (!problems.isEmpty()) {
                throw invalid(problems);
            }
            return manifest;
        }

        private LinkRule linkRule(JsonNode defaults) {
            JsonNode rule = defaults.path("link_rule");
            if (rule.isMissingNode() || rule.isNull()) {
                return LinkRule.ARGMAX;
            }
            try {
                return LinkRule.parse(rule.asText());
            } catch (IllegalArgumentException e) {
                problems.add("decoding_defaults.link_rule: " + e.getMessage());
                return LinkRule.ARGMAX;
            }
        }

        /** The engine sizes buffers by these outputs, so their last axis must be fixed in the manifest. */
        private void requireFixedLast(GraphRole role, GraphSpec graph, String output, String expected) {
            TensorSpec tensor = graph.output(output);
            int rank = expected.split(",").length;
            if (tensor != null && (tensor.shape().size() != rank || !tensor.shape().get(rank - 1).isFixed())) {
                problems.add("graphs." + role.key() + ".outputs." + output + ".shape must be " + expected + ", is "
                        + tensor.shape());
            }
        }

        private GraphSpec graph(GraphRole role) {
            JsonNode graph = root.path("graphs").path(role.key());
            if (graph.isMissingNode()) {
                problems.add("graphs." + role.key() + " is missing");
                return new GraphSpec(null, Map.of(), Map.of());
            }
            String where = "graphs." + role.key();
            String file = text(graph, "file");
            existingFile(file, where + ".file");
            return new GraphSpec(file, tensors(graph.path("inputs"), role.inputRoles(), where + ".inputs"),
                    tensors(graph.path("outputs"), role.outputRoles(), where + ".outputs"));
        }

        private Map<String, TensorSpec> tensors(JsonNode group, List<String> roles, String where) {
            Map<String, TensorSpec> specs = new LinkedHashMap<>();
            for (String role : roles) {
                JsonNode tensor = group.path(role);
                if (tensor.isMissingNode()) {
                    problems.add(where + "." + role + " is missing");
                    continue;
                }
                List<Dimension> shape = new ArrayList<>();
                for (JsonNode dim : tensor.path("shape")) {
                    if (dim.isIntegralNumber()) {
                        shape.add(Dimension.fixed(dim.longValue()));
                    } else if (dim.isTextual()) {
                        shape.add(Dimension.dynamic(dim.textValue()));
                    } else {
                        problems.add(where + "." + role + ".shape has " + dim + ", expected an int or an axis name");
                    }
                }
                specs.put(role, new TensorSpec(text(tensor, "name"), text(tensor, "type"), shape));
            }
            return specs;
        }

        /**
         * {@code precisions}: precision name to {role: file}, each file existing, each role one whose graph the
         * model has. Absent means float32 only.
         */
        private Map<Precision, Map<GraphRole, String>> precisions(boolean hasTopK) {
            Map<Precision, Map<GraphRole, String>> variants = new LinkedHashMap<>();
            root.path("precisions").fields().forEachRemaining(entry -> {
                Precision precision;
                try {
                    precision = Precision.parse(entry.getKey());
                } catch (IllegalArgumentException e) {
                    problems.add("precisions: " + e.getMessage());
                    return;
                }
                if (precision == Precision.FLOAT32) {
                    problems.add("precisions.float32: the float32 graphs are the ones under graphs");
                    return;
                }
                Map<GraphRole, String> files = new LinkedHashMap<>();
                entry.getValue().fields().forEachRemaining(file -> {
                    String where = "precisions." + entry.getKey() + "." + file.getKey();
                    GraphRole role = Arrays.stream(GraphRole.values()).filter(r -> r.key().equals(file.getKey()))
                            .findFirst().orElse(null);
                    if (role == null || (role == GraphRole.DECODER_STEP_TOP_K && !hasTopK)) {
                        problems.add(where + " names no graph of this model");
                    } else if (!file.getValue().isTextual()) {
                        problems.add(where + " must be a file name");
                    } else {
                        existingFile(file.getValue().textValue(), where);
                        files.put(role, file.getValue().textValue());
                    }
                });
                variants.put(precision, files);
            });
            return variants;
        }

        private Map<String, String> checksums(List<String> files) {
            Map<String, String> declared = new LinkedHashMap<>();
            root.path("files_sha256").fields().forEachRemaining(e -> declared.put(e.getKey(), e.getValue().asText()));
            for (String file : files) {
                if (file.isEmpty() || !Files.isRegularFile(directory.resolve(file))) {
                    continue; // already reported as missing
                }
                String expected = declared.get(file);
                if (expected == null) {
                    problems.add("files_sha256 has no entry for " + file);
                    continue;
                }
                String actual = sha256(directory.resolve(file));
                if (!actual.equalsIgnoreCase(expected)) {
                    problems.add("sha256 of " + file + " is " + actual + " but the manifest says " + expected
                            + " (the graph was replaced or corrupted; re-export the model)");
                }
            }
            return declared;
        }

        private static String nullToEmpty(String value) {
            return value == null ? "" : value;
        }

        private Path existingFile(String name, String field) {
            if (name == null) {
                return null;
            }
            Path path = directory.resolve(name);
            if (!Files.isRegularFile(path)) {
                problems.add(field + " names " + name + ", which does not exist in " + directory.toAbsolutePath());
            }
            return path;
        }

        private String text(JsonNode node, String field) {
            JsonNode value = node.path(field);
            if (!value.isTextual()) {
                problems.add("missing text field '" + field + "'");
                return null;
            }
            return value.textValue();
        }

        private int integer(JsonNode node, String field) {
            JsonNode value = node.path(field);
            if (!value.isIntegralNumber()) {
                problems.add("missing integer field '" + field + "'");
                return 0;
            }
            return value.intValue();
        }

        private double number(JsonNode node, String field) {
            JsonNode value = node.path(field);
            if (!value.isNumber()) {
                problems.add("missing number field '" + field + "'");
                return 0;
            }
            return value.doubleValue();
        }
    }

    static String sha256(Path file) {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (IOException e) {
            throw new TranslationException(Reason.MODEL_INVALID, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
