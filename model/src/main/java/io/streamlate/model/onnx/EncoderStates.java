package io.streamlate.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The encoder's memory [B,S,M] and source mask [B,S], fed unchanged to every decoder step. Both live in direct
 * buffers this object holds from its model's {@link DirectBufferPool} until {@link #close}, wrapped by ONNX Runtime
 * without a copy: the encoder writes into them (pinned outputs) and {@link #gather} copies rows buffer to buffer,
 * once, when the set of decoded rows changes (sentences finished, or beam hypotheses per sentence changed), so
 * finished rows stop costing compute. Each row remembers its source length, so a gather also drops the padding no
 * remaining row needs.
 */
public final class EncoderStates implements AutoCloseable {

    private static final float[] ZEROS = new float[4096];

    private final FloatBuffer memoryData;
    private final FloatBuffer maskData;
    private final OnnxTensor memory;
    private final OnnxTensor mask;
    private final OrtEnvironment environment;
    private final DirectBufferPool pool;
    private final int[] lengths;
    private final int sourceLength;
    private final int width;
    private boolean closed;

    private EncoderStates(OrtEnvironment environment, DirectBufferPool pool, int[] lengths, int sourceLength,
                          int width) {
        this.environment = environment;
        this.pool = pool;
        this.lengths = lengths;
        this.sourceLength = sourceLength;
        this.width = width;
        int rows = lengths.length;
        this.memoryData = pool.take(rows * sourceLength * width);
        this.maskData = pool.take(rows * sourceLength);
        for (int row = 0; row < rows; row++) {
            int padding = sourceLength - lengths[row];
            zero(memoryData, ((row + 1) * sourceLength - padding) * width, padding * width);
            zero(maskData, (row + 1) * sourceLength - padding, padding);
        }
        OnnxTensor memoryTensor = null;
        try {
            memoryTensor = OnnxTensor.createTensor(environment, memoryData, new long[] {rows, sourceLength, width});
            this.mask = OnnxTensor.createTensor(environment, maskData, new long[] {rows, sourceLength});
            this.memory = memoryTensor;
        } catch (OrtException e) {
            if (memoryTensor != null) {
                memoryTensor.close();
            }
            pool.give(memoryData);
            pool.give(maskData);
            throw new TranslationException(Reason.INFERENCE_FAILED, "cannot allocate encoder states", e);
        }
    }

    /**
     * States for rows of the given source lengths, padded to the longest: zeros in every row's padding, its real
     * positions left for the encoder or {@link #copyRow} to write.
     *
     * @param width the memory's last dimension
     */
    static EncoderStates allocate(OrtEnvironment environment, DirectBufferPool pool, int[] lengths, int width) {
        return new EncoderStates(environment, pool, lengths.clone(), Arrays.stream(lengths).max().orElse(0), width);
    }

    private static void zero(FloatBuffer buffer, int from, int count) {
        for (int done = 0; done < count; done += ZEROS.length) {
            buffer.put(from + done, ZEROS, 0, Math.min(ZEROS.length, count - done));
        }
    }

    OnnxTensor memory() {
        return memory;
    }

    OnnxTensor mask() {
        return mask;
    }

    public int rows() {
        return lengths.length;
    }

    /** The padded source length every row's attention spans. */
    int sourceLength() {
        return sourceLength;
    }

    /** Copies row {@code from} of {@code other} (same width) into this one's row {@code to}: its real positions. */
    void copyRow(EncoderStates other, int from, int to) {
        int length = other.lengths[from];
        if (length > sourceLength) {
            throw new IllegalArgumentException("a row of " + length + " positions does not fit " + sourceLength);
        }
        memoryData.put(to * sourceLength * width, other.memoryData, from * other.sourceLength * width,
                length * width);
        maskData.put(to * sourceLength, other.maskData, from * other.sourceLength, length);
    }

    /**
     * New states whose row i is this one's row {@code rowIndices[i]} (rows may repeat, e.g. one per beam), padded
     * to the longest of those rows.
     */
    public EncoderStates gather(int[] rowIndices) {
        int[] gathered = new int[rowIndices.length];
        for (int i = 0; i < rowIndices.length; i++) {
            gathered[i] = lengths[rowIndices[i]];
        }
        EncoderStates out = allocate(environment, pool, gathered, width);
        for (int i = 0; i < rowIndices.length; i++) {
            out.copyRow(this, rowIndices[i], i);
        }
        return out;
    }

    /** Releases the tensors and hands the buffers back to the pool; a second call does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        memory.close();
        mask.close();
        pool.give(memoryData);
        pool.give(maskData);
    }
}
