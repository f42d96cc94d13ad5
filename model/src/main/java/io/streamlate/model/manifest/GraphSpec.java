package io.streamlate.model.manifest;

import java.util.Map;

/** One graph of the manifest: its file and the tensor spec of every input and output role. */
public record GraphSpec(String file, Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs) {

    public GraphSpec {
        inputs = Map.copyOf(inputs);
        outputs = Map.copyOf(outputs);
    }

    public TensorSpec input(String role) {
        return inputs.get(role);
    }

    public TensorSpec output(String role) {
        return outputs.get(role);
    }
}
