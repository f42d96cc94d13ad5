package io.streamlate.model.heatmap;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AsciiHeatmapTest {

    @Test
    void columnsAreAsWideAsTheirPiecesAndRowsAreLabelled() {
        String map = AsciiHeatmap.render(List.of("▁I", "▁love"), List.of("▁j'", "aime"),
                new float[][] {{1f, 0f}, {0.05f, 0.95f}});
        assertThat(map.split("\n")).containsExactly(
                "     |▁I ▁love ",
                "▁j'  |@@       ",
                "aime |   @@@@@ ");
    }

    @Test
    void shadesAreClampedToTheScale() {
        assertThat(AsciiHeatmap.shade(-1f)).isEqualTo(' ');
        assertThat(AsciiHeatmap.shade(0.5f)).isEqualTo('+');
        assertThat(AsciiHeatmap.shade(2f)).isEqualTo('@');
    }
}
