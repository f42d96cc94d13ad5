package io.streamlate.model.heatmap;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Attention as a PNG: grey cells (black = weight 1), source pieces written vertically above the columns,
 * target pieces left of the rows. Drawn with java.awt in headless mode, so it works on servers without X.
 */
public final class PngHeatmap {

    private static final int CELL = 24;
    private static final int MARGIN = 8;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    static {
        // Must be set before AWT initialises; a CLI or server has no display.
        System.setProperty("java.awt.headless", "true");
    }

    private PngHeatmap() {
    }

    public static void write(Path file, String title, List<String> sourcePieces, List<String> targetPieces,
                      float[][] attention) throws IOException {
        FontMetrics metrics = measure();
        int left = MARGIN + targetPieces.stream().mapToInt(metrics::stringWidth).max().orElse(0) + MARGIN;
        int titleHeight = metrics.getHeight() + MARGIN;
        int top = titleHeight + sourcePieces.stream().mapToInt(metrics::stringWidth).max().orElse(0) + MARGIN;
        int width = Math.max(left + CELL * sourcePieces.size(), metrics.stringWidth(title) + 2 * MARGIN) + MARGIN;
        int height = top + CELL * targetPieces.size() + MARGIN;

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(FONT);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.drawString(title, MARGIN, metrics.getAscent() + MARGIN / 2);
            for (int row = 0; row < targetPieces.size(); row++) {
                int y = top + row * CELL;
                g.setColor(Color.BLACK);
                g.drawString(targetPieces.get(row), left - MARGIN - metrics.stringWidth(targetPieces.get(row)),
                        y + (CELL + metrics.getAscent()) / 2 - 2);
                for (int column = 0; column < sourcePieces.size(); column++) {
                    int grey = Math.round(255 * (1 - Math.max(0f, Math.min(1f, attention[row][column]))));
                    g.setColor(new Color(grey, grey, grey));
                    g.fillRect(left + column * CELL, y, CELL, CELL);
                }
            }
            g.setColor(Color.BLACK);
            for (int column = 0; column < sourcePieces.size(); column++) {
                AffineTransform saved = g.getTransform();
                g.translate(left + column * CELL + (CELL + metrics.getAscent()) / 2 - 2, top - MARGIN);
                g.rotate(-Math.PI / 2);
                g.drawString(sourcePieces.get(column), 0, 0);
                g.setTransform(saved);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static FontMetrics measure() {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            return g.getFontMetrics(FONT);
        } finally {
            g.dispose();
        }
    }
}
