package io.streamlate.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;

import java.nio.FloatBuffer;

/**
 * The encoder's memory [B,S,M] and source mask [B,S] as native tensors, fed unchanged to every decoder step.
 * They are created once per sub-batch; {@link #gather} builds new ones only when the set of decoded rows
 * changes (sentences finished, or beam hypotheses per sentence changed), so finished rows stop costing compute.
 */
public final class EncoderStates implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OnnxTensor memory;
    private final OnnxTensor mask;
    private final AutoCloseable owner;

    /**
     * @param owner closes the native memory behind both tensors (an encoder result, or the tensors themselves)
     */
    EncoderStates(OrtEnvironment environment, OnnxTensor memory, OnnxTensor mask, AutoCloseable owner) {
        this.environment = environment;
        this.memory = memory;
        this.mask = mask;
        this.owner = owner;
    }

    OnnxTensor memory() {
        return memory;
    }

    OnnxTensor mask() {
        return mask;
    }

    public int rows() {
        return (int) memory.getInfo().getShape()[0];
    }

    /** The padded source length every row's attention spans. */
    int sourceLength() {
        return (int) memory.getInfo().getShape()[1];
    }

    /** New states whose row i is this one's row {@code rowIndices[i]} (rows may repeat, e.g. one per beam). */
    public EncoderStates gather(int[] rowIndices) {
        long[] memoryShape = memory.getInfo().getShape();
        long[] maskShape = mask.getInfo().getShape();
        FloatMatrix memoryRows = copy(memory, (int) memoryShape[0]).gatherRows(rowIndices);
        FloatMatrix maskRows = copy(mask, (int) maskShape[0]).gatherRows(rowIndices);
        OnnxTensor newMemory = null;
        try {
            newMemory = OnnxTensor.createTensor(environment, FloatBuffer.wrap(memoryRows.data()),
                    new long[] {rowIndices.length, memoryShape[1], memoryShape[2]});
            OnnxTensor newMask = OnnxTensor.createTensor(environment, FloatBuffer.wrap(maskRows.data()),
                    new long[] {rowIndices.length, maskShape[1]});
            OnnxTensor ownedMemory = newMemory;
            return new EncoderStates(environment, newMemory, newMask, () -> {
                ownedMemory.close();
                newMask.close();
            });
        } catch (OrtException e) {
            if (newMemory != null) {
                newMemory.close();
            }
            throw new TranslationException(Reason.INFERENCE_FAILED, "cannot gather encoder states", e);
        }
    }

    static FloatMatrix copy(OnnxTensor tensor, int rows) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] data = new float[buffer.remaining()];
        buffer.get(data);
        return new FloatMatrix(data, rows, rows == 0 ? 0 : data.length / rows);
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new TranslationException(Reason.INFERENCE_FAILED, "cannot release encoder states", e);
        }
    }
}
