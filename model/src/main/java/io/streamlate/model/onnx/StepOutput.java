package io.streamlate.model.onnx;

/**
 * One decoder step for B rows, copied to the Java heap so the step's native result is closed at once.
 *
 * @param logProbs  [B,V]
 * @param state     next decoder state [B,H]
 * @param attention [B,S] attention over the padded source; row sums are 1 and pads get 0
 */
public record StepOutput(FloatMatrix logProbs, FloatMatrix state, FloatMatrix attention) {
}
