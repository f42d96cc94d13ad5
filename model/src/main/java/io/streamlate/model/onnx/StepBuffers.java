package io.streamlate.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * The native-order direct buffers one search reuses for all its decoder steps. ONNX Runtime wraps a direct buffer
 * without copying it, so the step inputs are written once, straight where the graph reads them, and the outputs
 * are pinned: the graph writes into these buffers and each output is copied once, into the arrays the search
 * keeps. Without them every step allocated a native copy of each input and read each output through two heap
 * copies (bench/results/profile-*.md). Buffers grow to the largest step and are then reused; not thread-safe, so
 * each search holds its own.
 */
public final class StepBuffers {

    private LongBuffer previousIds;
    private FloatBuffer stateIn;
    private FloatBuffer stateOut;
    private FloatBuffer attention;
    private FloatBuffer logProbs;
    private LongBuffer topIds;
    private final LongBuffer k = longs(1);

    LongBuffer previousIds(long[] values) {
        previousIds = fit(previousIds, values.length);
        previousIds.put(values).flip();
        return previousIds;
    }

    FloatBuffer stateIn(FloatMatrix state) {
        stateIn = fit(stateIn, state.data().length);
        stateIn.put(state.data()).flip();
        return stateIn;
    }

    LongBuffer k(int value) {
        k.clear();
        k.put(value).flip();
        return k;
    }

    FloatBuffer stateOut(int size) {
        stateOut = fit(stateOut, size);
        return stateOut.limit(size);
    }

    FloatBuffer attention(int size) {
        attention = fit(attention, size);
        return attention.limit(size);
    }

    FloatBuffer logProbs(int size) {
        logProbs = fit(logProbs, size);
        return logProbs.limit(size);
    }

    LongBuffer topIds(int size) {
        topIds = fit(topIds, size);
        return topIds.limit(size);
    }

    /** The buffer, cleared, or a larger one when it holds fewer than {@code size} values. */
    private static FloatBuffer fit(FloatBuffer buffer, int size) {
        if (buffer == null || buffer.capacity() < size) {
            return floats(size);
        }
        return buffer.clear();
    }

    /** A zeroed native-order direct buffer: ONNX Runtime wraps it instead of copying it. */
    static FloatBuffer floats(int size) {
        return ByteBuffer.allocateDirect(Float.BYTES * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static LongBuffer fit(LongBuffer buffer, int size) {
        if (buffer == null || buffer.capacity() < size) {
            return longs(size);
        }
        return buffer.clear();
    }

    private static LongBuffer longs(int size) {
        return ByteBuffer.allocateDirect(Long.BYTES * size).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** A copy of a pinned output's first {@code rows x columns} values. */
    static FloatMatrix read(FloatBuffer buffer, int rows, int columns) {
        float[] data = new float[rows * columns];
        buffer.get(0, data);
        return new FloatMatrix(data, rows, columns);
    }
}
