package io.streamlate.model.manifest;

import java.util.List;

/** What the manifest promises about one graph input or output: its ONNX name, element type and shape. */
public record TensorSpec(String name, String type, List<Dimension> shape) {

    public TensorSpec {
        shape = List.copyOf(shape);
    }
}
