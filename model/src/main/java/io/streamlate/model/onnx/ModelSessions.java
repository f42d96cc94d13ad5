package io.streamlate.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.manifest.GraphRole;
import io.streamlate.model.manifest.GraphRole.Roles;
import io.streamlate.model.manifest.GraphSpec;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.Precision;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single owner of a model's ONNX Runtime sessions: the encoder, the decoder step and, when the model has it
 * and the settings allow, the top-k decoder step, each at the configured precision. One instance is shared by all
 * threads: OrtSession.run is thread-safe, and every call here keeps its tensors to itself. Tensors are addressed
 * by role; their ONNX names come from the manifest.
 */
public final class ModelSessions implements AutoCloseable {

    private final OrtEnvironment environment;
    private final GraphSpec encoderSpec;
    private final GraphSpec decoderSpec;
    private final GraphSpec topKSpec;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final OrtSession topKDecoder;
    private final Device device;
    private final Precision precision;
    private final int padId;
    private final int vocabulary;
    private final int memoryWidth;
    private final int stateSize;
    private final DirectBufferPool buffers;

    private ModelSessions(OrtEnvironment environment, Manifest manifest, List<OrtSession> sessions, Device device,
                          SessionSettings settings) {
        this.environment = environment;
        this.encoderSpec = manifest.encoder();
        this.decoderSpec = manifest.decoderStep();
        this.topKSpec = sessions.size() > 2 ? manifest.graph(GraphRole.DECODER_STEP_TOP_K) : null;
        this.encoder = sessions.get(0);
        this.decoder = sessions.get(1);
        this.topKDecoder = sessions.size() > 2 ? sessions.get(2) : null;
        this.device = device;
        this.precision = settings.precision();
        this.buffers = new DirectBufferPool(settings.bufferPoolBytes());
        this.padId = manifest.specialTokens().pad();
        this.vocabulary = manifest.targetVocabularySize();
        this.memoryWidth = manifest.memoryWidth();
        this.stateSize = manifest.decoderStateSize();
    }

    /** Opens and checks the graphs of a validated manifest at the settings' precision. */
    public static ModelSessions open(Manifest manifest, SessionSettings settings) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        SessionFactory factory = new SessionFactory(environment, settings);
        List<GraphRole> roles = new ArrayList<>(List.of(GraphRole.ENCODER, GraphRole.DECODER_STEP));
        if (settings.topK() && manifest.decoderStepTopK().isPresent()) {
            roles.add(GraphRole.DECODER_STEP_TOP_K);
        }
        List<OrtSession> sessions = new ArrayList<>();
        try {
            for (GraphRole role : roles) {
                OrtSession session = factory.open(manifest.graphFile(role, settings.precision()));
                sessions.add(session);
                GraphChecker.check(role, manifest.graph(role), session);
            }
            GraphChecker.probe(environment, manifest, sessions.get(0), sessions.get(1),
                    sessions.size() > 2 ? sessions.get(2) : null);
            return new ModelSessions(environment, manifest, sessions, factory.device(), settings);
        } catch (RuntimeException e) {
            sessions.forEach(ModelSessions::closeQuietly);
            throw e;
        }
    }

    /** Whether {@link #stepTopK} is available: the model has a top-k decoder step and the settings use it. */
    public boolean hasTopK() {
        return topKDecoder != null;
    }

    public Precision precision() {
        return precision;
    }

    /** The device the sessions actually run on (CPU after an allowed CUDA fallback). */
    public Device device() {
        return device;
    }

    /**
     * Encodes sources (no BOS/EOS), padding them to the longest. Sources of very different lengths are encoded in
     * runs of similar length ({@link EncoderBuckets}) and their states laid out in input order again, padded with
     * zeros that the mask hides.
     */
    public EncoderOutput encode(int[][] sources) {
        int[] lengths = Arrays.stream(sources).mapToInt(source -> source.length).toArray();
        List<int[]> runs = EncoderBuckets.plan(lengths);
        if (runs.size() == 1) {
            return encodeTogether(sources);
        }
        EncoderStates states = EncoderStates.allocate(environment, buffers, lengths, memoryWidth);
        FloatMatrix state = new FloatMatrix(new float[sources.length * stateSize], sources.length, stateSize);
        try {
            for (int[] run : runs) {
                int[][] runSources = new int[run.length][];
                for (int i = 0; i < run.length; i++) {
                    runSources[i] = sources[run[i]];
                }
                EncoderOutput part = encodeTogether(runSources);
                try (EncoderStates runStates = part.states()) {
                    for (int i = 0; i < run.length; i++) {
                        states.copyRow(runStates, i, run[i]);
                        System.arraycopy(part.initialState().data(), i * stateSize, state.data(),
                                run[i] * stateSize, stateSize);
                    }
                }
            }
            return new EncoderOutput(states, state);
        } catch (RuntimeException e) {
            states.close();
            throw e;
        }
    }

    /** One encoder run whose memory and mask ONNX Runtime writes straight into the states' buffers. */
    private EncoderOutput encodeTogether(int[][] sources) {
        int batch = sources.length;
        int[] sourceLengths = Arrays.stream(sources).mapToInt(source -> source.length).toArray();
        EncoderStates states = EncoderStates.allocate(environment, buffers, sourceLengths, memoryWidth);
        int longest = states.sourceLength();
        long[] ids = new long[batch * longest];
        long[] lengths = new long[batch];
        Arrays.fill(ids, padId);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < sources[b].length; t++) {
                ids[b * longest + t] = sources[b][t];
            }
            lengths[b] = sources[b].length;
        }
        FloatBuffer initialState = StepBuffers.floats(batch * stateSize);
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids),
                     new long[] {batch, longest});
             OnnxTensor lengthsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(lengths),
                     new long[] {batch});
             OnnxTensor stateTensor = OnnxTensor.createTensor(environment, initialState,
                     new long[] {batch, stateSize});
             OrtSession.Result ignored = encoder.run(Map.of(
                     encoderSpec.input(Roles.SOURCE_IDS).name(), idsTensor,
                     encoderSpec.input(Roles.SOURCE_LENGTHS).name(), lengthsTensor), Map.of(
                     encoderSpec.output(Roles.MEMORY).name(), states.memory(),
                     encoderSpec.output(Roles.SOURCE_MASK).name(), states.mask(),
                     encoderSpec.output(Roles.DECODER_STATE).name(), stateTensor))) {
            return new EncoderOutput(states, StepBuffers.read(initialState, batch, stateSize));
        } catch (OrtException e) {
            states.close();
            throw new TranslationException(Reason.INFERENCE_FAILED, "encoder failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            states.close();
            throw e;
        }
    }

    /**
     * One decoder step for every row of {@code states}.
     *
     * @param previousIds the token each row emitted last (BOS at the first step)
     * @param state       each row's decoder state [rows, H]
     * @param buffers     the calling search's own buffers
     */
    public StepOutput step(long[] previousIds, FloatMatrix state, EncoderStates states, StepBuffers buffers) {
        int rows = previousIds.length;
        try (OnnxTensor logProbs = OnnxTensor.createTensor(environment, buffers.logProbs(rows * vocabulary),
                new long[] {rows, vocabulary})) {
            runStep(decoder, decoderSpec, previousIds, state, states, buffers, Map.of(),
                    Map.of(Roles.LOG_PROBS, logProbs));
            return new StepOutput(StepBuffers.read(buffers.logProbs(rows * vocabulary), rows, vocabulary),
                    nextState(buffers, state), attention(buffers, rows, states));
        } catch (OrtException e) {
            throw new TranslationException(Reason.INFERENCE_FAILED, "decoder step failed: " + e.getMessage(), e);
        }
    }

    /**
     * One top-k decoder step for every row of {@code states}: only each row's {@code k} best candidates leave
     * ONNX Runtime.
     *
     * @param buffers the calling search's own buffers
     * @throws IllegalStateException if {@link #hasTopK()} is false
     */
    public TopKStep stepTopK(long[] previousIds, FloatMatrix state, EncoderStates states, int k,
                             StepBuffers buffers) {
        if (topKDecoder == null) {
            throw new IllegalStateException("this model's sessions have no top-k decoder step");
        }
        int rows = previousIds.length;
        try (OnnxTensor kTensor = OnnxTensor.createTensor(environment, buffers.k(k), new long[] {1});
             OnnxTensor topLogProbs = OnnxTensor.createTensor(environment, buffers.logProbs(rows * k),
                     new long[] {rows, k});
             OnnxTensor topIds = OnnxTensor.createTensor(environment, buffers.topIds(rows * k),
                     new long[] {rows, k})) {
            runStep(topKDecoder, topKSpec, previousIds, state, states, buffers, Map.of(Roles.K, kTensor),
                    Map.of(Roles.TOP_LOG_PROBS, topLogProbs, Roles.TOP_IDS, topIds));
            LongBuffer ids = buffers.topIds(rows * k);
            int[] candidates = new int[rows * k];
            for (int i = 0; i < candidates.length; i++) {
                candidates[i] = (int) ids.get(i);
            }
            return new TopKStep(StepBuffers.read(buffers.logProbs(rows * k), rows, k), candidates,
                    nextState(buffers, state), attention(buffers, rows, states));
        } catch (OrtException e) {
            throw new TranslationException(Reason.INFERENCE_FAILED, "decoder step failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a decoder step graph on what both step graphs share (previous ids, state, memory and mask in; next
     * state and attention out, pinned to {@code buffers}) plus the graph's own inputs and pinned outputs, by role.
     */
    private void runStep(OrtSession session, GraphSpec spec, long[] previousIds, FloatMatrix state,
                         EncoderStates states, StepBuffers buffers, Map<String, OnnxTensor> ownInputs,
                         Map<String, OnnxTensor> ownOutputs) throws OrtException {
        int rows = previousIds.length;
        int sourceLength = states.sourceLength();
        try (OnnxTensor previous = OnnxTensor.createTensor(environment, buffers.previousIds(previousIds),
                     new long[] {rows});
             OnnxTensor stateTensor = OnnxTensor.createTensor(environment, buffers.stateIn(state),
                     new long[] {rows, state.columns()});
             OnnxTensor nextState = OnnxTensor.createTensor(environment, buffers.stateOut(state.data().length),
                     new long[] {rows, state.columns()});
             OnnxTensor attention = OnnxTensor.createTensor(environment, buffers.attention(rows * sourceLength),
                     new long[] {rows, sourceLength})) {
            Map<String, OnnxTensor> inputs = new HashMap<>(Map.of(
                    spec.input(Roles.PREVIOUS_IDS).name(), previous,
                    spec.input(Roles.DECODER_STATE).name(), stateTensor,
                    spec.input(Roles.MEMORY).name(), states.memory(),
                    spec.input(Roles.SOURCE_MASK).name(), states.mask()));
            ownInputs.forEach((role, tensor) -> inputs.put(spec.input(role).name(), tensor));
            Map<String, OnnxTensor> outputs = new HashMap<>(Map.of(
                    spec.output(Roles.DECODER_STATE).name(), nextState,
                    spec.output(Roles.ATTENTION).name(), attention));
            ownOutputs.forEach((role, tensor) -> outputs.put(spec.output(role).name(), tensor));
            try (OrtSession.Result ignored = session.run(inputs, outputs)) {
                // every output was written into a pinned buffer
            }
        }
    }

    private static FloatMatrix nextState(StepBuffers buffers, FloatMatrix state) {
        return StepBuffers.read(buffers.stateOut(state.data().length), state.rows(), state.columns());
    }

    private static FloatMatrix attention(StepBuffers buffers, int rows, EncoderStates states) {
        int sourceLength = states.sourceLength();
        return StepBuffers.read(buffers.attention(rows * sourceLength), rows, sourceLength);
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
        try (OrtSession encoderSession = encoder; OrtSession decoderSession = decoder;
             OrtSession topKSession = topKDecoder) {
            // every session is closed by try-with-resources, even if one close fails (a null one is skipped)
        } catch (OrtException e) {
            throw new TranslationException(Reason.INFERENCE_FAILED, "cannot close sessions", e);
        }
    }
}
