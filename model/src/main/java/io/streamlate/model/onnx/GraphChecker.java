package io.streamlate.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.manifest.Dimension;
import io.streamlate.model.manifest.GraphRole;
import io.streamlate.model.manifest.GraphRole.Roles;
import io.streamlate.model.manifest.GraphSpec;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.TensorSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that the loaded graphs really have the tensors the manifest promises: names, element types and fixed
 * dims from their signatures, then the fixed dims of every output from one tiny run, because exported graphs
 * often leave output sizes symbolic (e.g. the encoder's memory width) where the signature cannot tell.
 */
final class GraphChecker {

    private GraphChecker() {
    }

    static void check(GraphRole role, GraphSpec spec, OrtSession session) {
        List<String> problems = new ArrayList<>();
        try {
            compare(role, "input", spec.inputs(), session.getInputInfo(), problems);
            compare(role, "output", spec.outputs(), session.getOutputInfo(), problems);
        } catch (OrtException e) {
            throw new TranslationException(Reason.MODEL_INVALID, "cannot read the signature of " + spec.file(), e);
        }
        if (!problems.isEmpty()) {
            throw new TranslationException(Reason.MODEL_INVALID, spec.file() + " does not match manifest.json: "
                    + String.join("; ", problems));
        }
    }

    /**
     * Runs the graphs on a one-token source (the top-k step, when given, with k = 1) and compares every output's
     * actual shape with the manifest.
     */
    static void probe(OrtEnvironment environment, Manifest manifest, OrtSession encoder, OrtSession decoder,
                      OrtSession topKDecoder) {
        List<String> problems = new ArrayList<>();
        GraphSpec encoderSpec = manifest.encoder();
        GraphSpec decoderSpec = manifest.decoderStep();
        long unk = manifest.specialTokens().unk();
        try (OnnxTensor ids = OnnxTensor.createTensor(environment, new long[][] {{unk}});
             OnnxTensor lengths = OnnxTensor.createTensor(environment, new long[] {1});
             OrtSession.Result encoded = encoder.run(Map.of(encoderSpec.input(Roles.SOURCE_IDS).name(), ids,
                     encoderSpec.input(Roles.SOURCE_LENGTHS).name(), lengths));
             OnnxTensor previous = OnnxTensor.createTensor(environment, new long[] {manifest.specialTokens().bos()});
             OrtSession.Result stepped = decoder.run(Map.of(
                     decoderSpec.input(Roles.PREVIOUS_IDS).name(), previous,
                     decoderSpec.input(Roles.DECODER_STATE).name(), encodedOutput(encoded, encoderSpec, Roles.DECODER_STATE),
                     decoderSpec.input(Roles.MEMORY).name(), encodedOutput(encoded, encoderSpec, Roles.MEMORY),
                     decoderSpec.input(Roles.SOURCE_MASK).name(), encodedOutput(encoded, encoderSpec, Roles.SOURCE_MASK)))) {
            compareOutputs(GraphRole.ENCODER, encoderSpec, encoded, problems);
            compareOutputs(GraphRole.DECODER_STEP, decoderSpec, stepped, problems);
            if (topKDecoder != null) {
                GraphSpec topKSpec = manifest.graph(GraphRole.DECODER_STEP_TOP_K);
                try (OnnxTensor k = OnnxTensor.createTensor(environment, new long[] {1});
                     OrtSession.Result top = topKDecoder.run(Map.of(
                             topKSpec.input(Roles.PREVIOUS_IDS).name(), previous,
                             topKSpec.input(Roles.DECODER_STATE).name(),
                             encodedOutput(encoded, encoderSpec, Roles.DECODER_STATE),
                             topKSpec.input(Roles.MEMORY).name(), encodedOutput(encoded, encoderSpec, Roles.MEMORY),
                             topKSpec.input(Roles.SOURCE_MASK).name(),
                             encodedOutput(encoded, encoderSpec, Roles.SOURCE_MASK),
                             topKSpec.input(Roles.K).name(), k))) {
                    compareOutputs(GraphRole.DECODER_STEP_TOP_K, topKSpec, top, problems);
                }
            }
        } catch (OrtException e) {
            throw new TranslationException(Reason.MODEL_INVALID, "the graphs fail on a one-token test input: "
                    + e.getMessage() + " (do they follow manifest.json?)", e);
        }
        if (!problems.isEmpty()) {
            throw new TranslationException(Reason.MODEL_INVALID, "graph outputs do not match manifest.json: "
                    + String.join("; ", problems));
        }
    }

    private static OnnxTensor encodedOutput(OrtSession.Result result, GraphSpec spec, String role) {
        return (OnnxTensor) result.get(spec.output(role).name()).orElseThrow(() -> new TranslationException(
                Reason.MODEL_INVALID, spec.file() + " returned no output '" + spec.output(role).name() + "'"));
    }

    private static void compareOutputs(GraphRole role, GraphSpec spec, OrtSession.Result result, List<String> problems) {
        for (Map.Entry<String, TensorSpec> entry : spec.outputs().entrySet()) {
            String where = role.key() + " output '" + entry.getValue().name() + "' (role " + entry.getKey() + ")";
            result.get(entry.getValue().name()).ifPresent(value -> compareShape(where, entry.getValue().shape(),
                    ((TensorInfo) value.getInfo()).getShape(), problems));
        }
    }

    private static void compare(GraphRole role, String kind, Map<String, TensorSpec> expected,
                                Map<String, NodeInfo> actual, List<String> problems) {
        for (Map.Entry<String, TensorSpec> entry : expected.entrySet()) {
            TensorSpec spec = entry.getValue();
            String where = role.key() + " " + kind + " '" + spec.name() + "' (role " + entry.getKey() + ")";
            NodeInfo node = actual.get(spec.name());
            if (node == null) {
                problems.add(where + " is not in the graph, whose " + kind + "s are " + actual.keySet());
                continue;
            }
            if (!(node.getInfo() instanceof TensorInfo info)) {
                problems.add(where + " is not a tensor");
                continue;
            }
            OnnxJavaType expectedType = javaType(spec.type());
            if (expectedType == null) {
                problems.add(where + " has type '" + spec.type() + "' in the manifest; supported: float32, int64");
            } else if (info.type != expectedType) {
                problems.add(where + " is " + info.type + " in the graph but " + spec.type() + " in the manifest");
            }
            compareShape(where, spec.shape(), info.getShape(), problems);
        }
    }

    private static void compareShape(String where, List<Dimension> expected, long[] actual, List<String> problems) {
        if (expected.size() != actual.length) {
            problems.add(where + " has rank " + actual.length + " in the graph but " + expected.size()
                    + " in the manifest");
            return;
        }
        for (int axis = 0; axis < actual.length; axis++) {
            Dimension dim = expected.get(axis);
            if (dim.isFixed() && actual[axis] >= 0 && actual[axis] != dim.fixedSize()) {
                problems.add(where + " axis " + axis + " is " + actual[axis] + " in the graph but "
                        + dim.fixedSize() + " in the manifest");
            }
        }
    }

    private static OnnxJavaType javaType(String manifestType) {
        return switch (manifestType == null ? "" : manifestType) {
            case "float32" -> OnnxJavaType.FLOAT;
            case "int64" -> OnnxJavaType.INT64;
            default -> null;
        };
    }
}
