package io.streamlate.model.batching;

import java.util.List;

/**
 * Sentences decoded together, as indices into the caller's input list, shortest first.
 *
 * @param indices   positions in the original input, so results can be put back in input order
 * @param maxLength the longest source in this sub-batch (everything is padded to it)
 */
public record SubBatch(List<Integer> indices, int maxLength) {

    public SubBatch {
        indices = List.copyOf(indices);
    }

    public int size() {
        return indices.size();
    }
}
