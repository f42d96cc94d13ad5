package io.streamlate.model.onnx;

import ai.onnxruntime.OnnxTensor;

import java.nio.FloatBuffer;

/** Reading tensors back in tests. */
final class Tensors {

    private Tensors() {
    }

    /** A copy of a float tensor's values as {@code rows} rows. */
    static FloatMatrix rows(OnnxTensor tensor, int rows) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] data = new float[buffer.remaining()];
        buffer.get(data);
        return new FloatMatrix(data, rows, rows == 0 ? 0 : data.length / rows);
    }
}
