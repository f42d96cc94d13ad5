package io.streamlate.model.manifest;

/** One axis of a tensor shape: either a fixed size or a named dynamic axis (e.g. "batch"). */
public record Dimension(Long fixedSize, String axisName) {

    public static Dimension fixed(long size) {
        return new Dimension(size, null);
    }

    public static Dimension dynamic(String name) {
        return new Dimension(null, name);
    }

    public boolean isFixed() {
        return fixedSize != null;
    }

    @Override
    public String toString() {
        return isFixed() ? Long.toString(fixedSize) : axisName;
    }
}
