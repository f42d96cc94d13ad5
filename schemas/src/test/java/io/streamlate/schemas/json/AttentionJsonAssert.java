package io.streamlate.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The check the JSON tests share: an {@code attention} array holds exactly the decoder's matrix, row by row. */
public final class AttentionJsonAssert {

    private AttentionJsonAssert() {
    }

    public static void assertAttention(JsonNode matrix, float[][] expected) {
        assertThat(matrix).hasSize(expected.length);
        for (int row = 0; row < expected.length; row++) {
            float[] weights = new float[matrix.get(row).size()];
            for (int column = 0; column < weights.length; column++) {
                weights[column] = matrix.get(row).get(column).floatValue();
            }
            assertThat(weights).as("row %d", row).containsExactly(expected[row]);
        }
    }
}
