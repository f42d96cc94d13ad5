package io.streamlate.model.heatmap;

import java.util.List;

/**
 * Attention as text: source pieces are columns, target pieces are rows, darker characters are more weight.
 * Each column is as wide as its piece, so labels and cells line up in any monospaced terminal.
 */
public final class AsciiHeatmap {

    private static final String SHADES = " .:-=+*#%@";

    private AsciiHeatmap() {
    }

    public static String render(List<String> sourcePieces, List<String> targetPieces, float[][] attention) {
        int labelWidth = targetPieces.stream().mapToInt(String::length).max().orElse(0);
        int[] widths = sourcePieces.stream().mapToInt(piece -> Math.max(2, piece.length()) + 1).toArray();
        StringBuilder out = new StringBuilder();
        out.append(" ".repeat(labelWidth)).append(" |");
        for (int column = 0; column < sourcePieces.size(); column++) {
            out.append(pad(sourcePieces.get(column), widths[column]));
        }
        out.append('\n');
        for (int row = 0; row < targetPieces.size(); row++) {
            out.append(pad(targetPieces.get(row), labelWidth)).append(" |");
            for (int column = 0; column < sourcePieces.size(); column++) {
                out.append(String.valueOf(shade(attention[row][column])).repeat(widths[column] - 1)).append(' ');
            }
            out.append('\n');
        }
        return out.toString();
    }

    public static char shade(float weight) {
        int level = (int) (Math.max(0f, Math.min(1f, weight)) * SHADES.length());
        return SHADES.charAt(Math.min(level, SHADES.length() - 1));
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
