package io.streamlate.model.onnx;

/**
 * What the encoder returns for a sub-batch.
 *
 * @param states       memory and mask, owned by the caller (close them)
 * @param initialState the decoder's first state [B,H]
 */
public record EncoderOutput(EncoderStates states, FloatMatrix initialState) {
}
