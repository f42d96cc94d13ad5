package io.streamlate.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.manifest.GraphRole;
import io.streamlate.model.manifest.GraphRole.Roles;
import io.streamlate.model.manifest.GraphSpec;
import io.streamlate.model.manifest.Manifest;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * The single owner of a model's two ONNX Runtime sessions (encoder and decoder step). One instance is shared by
 * all threads: OrtSession.run is thread-safe, and every call here keeps its tensors to itself.
 * Tensors are addressed by role; their ONNX names come from the manifest.
 */
public final class ModelSessions implements AutoCloseable {

    private final OrtEnvironment environment;
    private final GraphSpec encoderSpec;
    private final GraphSpec decoderSpec;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final Device device;
    private final int padId;

    private ModelSessions(OrtEnvironment environment, Manifest manifest, OrtSession encoder, OrtSession decoder,
                          Device device) {
        this.environment = environment;
        this.encoderSpec = manifest.encoder();
        this.decoderSpec = manifest.decoderStep();
        this.encoder = encoder;
        this.decoder = decoder;
        this.device = device;
        this.padId = manifest.specialTokens().pad();
    }

    /** Opens and checks both graphs of a validated manifest. */
    public static ModelSessions open(Manifest manifest, SessionSettings settings) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        SessionFactory factory = new SessionFactory(environment, settings);
        OrtSession encoder = factory.open(manifest.graphFile(GraphRole.ENCODER));
        try {
            GraphChecker.check(GraphRole.ENCODER, manifest.encoder(), encoder);
            OrtSession decoder = factory.open(manifest.graphFile(GraphRole.DECODER_STEP));
            try {
                GraphChecker.check(GraphRole.DECODER_STEP, manifest.decoderStep(), decoder);
                GraphChecker.probe(environment, manifest, encoder, decoder);
                return new ModelSessions(environment, manifest, encoder, decoder, factory.device());
            } catch (RuntimeException e) {
                closeQuietly(decoder);
                throw e;
            }
        } catch (RuntimeException e) {
            closeQuietly(encoder);
            throw e;
        }
    }

    /** The device the sessions actually run on (CPU after an allowed CUDA fallback). */
    public Device device() {
        return device;
    }

    /** Encodes sources (no BOS/EOS), padding them to the longest. */
    public EncoderOutput encode(int[][] sources) {
        int batch = sources.length;
        int longest = 0;
        for (int[] source : sources) {
            longest = Math.max(longest, source.length);
        }
        long[] ids = new long[batch * longest];
        long[] lengths = new long[batch];
        Arrays.fill(ids, padId);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < sources[b].length; t++) {
                ids[b * longest + t] = sources[b][t];
            }
            lengths[b] = sources[b].length;
        }
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), new long[] {batch, longest});
             OnnxTensor lengthsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(lengths), new long[] {batch})) {
            OrtSession.Result result = encoder.run(Map.of(
                    encoderSpec.input(Roles.SOURCE_IDS).name(), idsTensor,
                    encoderSpec.input(Roles.SOURCE_LENGTHS).name(), lengthsTensor));
            try {
                // The memory and mask stay in the encoder's result (no copy); the result closes with the states.
                OnnxTensor memory = output(result, encoderSpec, Roles.MEMORY);
                OnnxTensor mask = output(result, encoderSpec, Roles.SOURCE_MASK);
                FloatMatrix state = EncoderStates.copy(output(result, encoderSpec, Roles.DECODER_STATE), batch);
                return new EncoderOutput(new EncoderStates(environment, memory, mask, result), state);
            } catch (RuntimeException e) {
                result.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new TranslationException(Reason.INFERENCE_FAILED, "encoder failed: " + e.getMessage(), e);
        }
    }

    /**
     * One decoder step for every row of {@code states}.
     *
     * @param previousIds the token each row emitted last (BOS at the first step)
     * @param state       each row's decoder state [rows, H]
     */
    public StepOutput step(long[] previousIds, FloatMatrix state, EncoderStates states) {
        try (OnnxTensor previous = OnnxTensor.createTensor(environment, LongBuffer.wrap(previousIds),
                     new long[] {previousIds.length});
             OnnxTensor stateTensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(state.data()),
                     new long[] {state.rows(), state.columns()});
             OrtSession.Result result = decoder.run(Map.of(
                     decoderSpec.input(Roles.PREVIOUS_IDS).name(), previous,
                     decoderSpec.input(Roles.DECODER_STATE).name(), stateTensor,
                     decoderSpec.input(Roles.MEMORY).name(), states.memory(),
                     decoderSpec.input(Roles.SOURCE_MASK).name(), states.mask()))) {
            int rows = previousIds.length;
            return new StepOutput(EncoderStates.copy(output(result, decoderSpec, Roles.LOG_PROBS), rows),
                    EncoderStates.copy(output(result, decoderSpec, Roles.DECODER_STATE), rows),
                    EncoderStates.copy(output(result, decoderSpec, Roles.ATTENTION), rows));
        } catch (OrtException e) {
            throw new TranslationException(Reason.INFERENCE_FAILED, "decoder step failed: " + e.getMessage(), e);
        }
    }

    private static OnnxTensor output(OrtSession.Result result, GraphSpec spec, String role) {
        String name = spec.output(role).name();
        OnnxValue value = result.get(name).orElseThrow(() -> new TranslationException(Reason.INFERENCE_FAILED,
                "graph " + spec.file() + " returned no output '" + name + "'"));
        return (OnnxTensor) value;
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException ignored) {
            // already failing with a more useful error
        }
    }

    @Override
    public void close() {
        try (OrtSession encoderSession = encoder; OrtSession decoderSession = decoder) {
            // both sessions are closed by try-with-resources, even if one close fails
        } catch (OrtException e) {
            throw new TranslationException(Reason.INFERENCE_FAILED, "cannot close sessions", e);
        }
    }
}
