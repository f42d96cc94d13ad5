package io.streamlate.model.manifest;

import java.util.List;

/**
 * The graphs of the contract and the fixed roles of their tensors. The engine addresses tensors by role; the
 * manifest maps each role to the ONNX name, so renaming a tensor in export.py needs no Java change. Encoder and
 * decoder step are required; the top-k decoder step (the same step ending in TopK, k an input) is optional, and
 * the engine reads only k candidates per row when a model has it.
 */
public enum GraphRole {
    ENCODER("encoder",
            List.of(Roles.SOURCE_IDS, Roles.SOURCE_LENGTHS),
            List.of(Roles.MEMORY, Roles.SOURCE_MASK, Roles.DECODER_STATE)),
    DECODER_STEP("decoder_step",
            List.of(Roles.PREVIOUS_IDS, Roles.DECODER_STATE, Roles.MEMORY, Roles.SOURCE_MASK),
            List.of(Roles.LOG_PROBS, Roles.DECODER_STATE, Roles.ATTENTION)),
    DECODER_STEP_TOP_K("decoder_step_topk",
            List.of(Roles.PREVIOUS_IDS, Roles.DECODER_STATE, Roles.MEMORY, Roles.SOURCE_MASK, Roles.K),
            List.of(Roles.TOP_LOG_PROBS, Roles.TOP_IDS, Roles.DECODER_STATE, Roles.ATTENTION));

    private final String key;
    private final List<String> inputRoles;
    private final List<String> outputRoles;

    GraphRole(String key, List<String> inputRoles, List<String> outputRoles) {
        this.key = key;
        this.inputRoles = inputRoles;
        this.outputRoles = outputRoles;
    }

    /** The key under manifest.graphs. */
    public String key() {
        return key;
    }

    public List<String> inputRoles() {
        return inputRoles;
    }

    public List<String> outputRoles() {
        return outputRoles;
    }

    /** Role names shared by the graphs. */
    public static final class Roles {
        public static final String SOURCE_IDS = "source_ids";
        public static final String SOURCE_LENGTHS = "source_lengths";
        public static final String MEMORY = "memory";
        public static final String SOURCE_MASK = "source_mask";
        public static final String DECODER_STATE = "decoder_state";
        public static final String PREVIOUS_IDS = "previous_ids";
        public static final String LOG_PROBS = "log_probs";
        public static final String ATTENTION = "attention";
        public static final String K = "k";
        public static final String TOP_LOG_PROBS = "top_log_probs";
        public static final String TOP_IDS = "top_ids";

        private Roles() {
        }
    }
}
