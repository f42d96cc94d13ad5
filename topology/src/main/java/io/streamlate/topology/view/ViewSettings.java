package io.streamlate.topology.view;

/**
 * How much the live view keeps and how often it takes a new translation.
 *
 * @param size         translations kept in memory, newest first; 0 turns the view off
 * @param maxPerSecond at most this many translations a second enter the window; above that rate it samples, so a
 *                     browser never has to draw more than a person can read
 */
public record ViewSettings(int size, double maxPerSecond) {

    public static final ViewSettings OFF = new ViewSettings(0, 1);

    public ViewSettings {
        if (size < 0) {
            throw new IllegalArgumentException("size must be at least 0, was " + size);
        }
        if (!(maxPerSecond > 0)) {
            throw new IllegalArgumentException("maxPerSecond must be positive, was " + maxPerSecond);
        }
    }

    public boolean enabled() {
        return size > 0;
    }
}
