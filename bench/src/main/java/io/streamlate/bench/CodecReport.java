package io.streamlate.bench;

import java.util.Locale;

/** The markdown table of one codec benchmark run. */
final class CodecReport {

    private CodecReport() {
    }

    static String render(CodecQuality quality, CodecSpeed speed) {
        StringBuilder out = new StringBuilder();
        out.append("| metric | value |\n|---|---:|\n");
        row(out, "matrices / target tokens", quality.matrices() + " / " + quality.targetTokens());
        row(out, "bytes per target token", format("%.2f", quality.bytesPerTargetToken()));
        row(out, "ratio vs float32", format("%.1fx", quality.ratioVsFloat32()));
        row(out, "max / mean abs error, kept weights",
                format("%.5f / %.5f", quality.keptMaxError(), quality.keptMeanError()));
        row(out, "max / mean abs error, all weights",
                format("%.5f / %.6f", quality.overallMaxError(), quality.overallMeanError()));
        row(out, "rows whose argmax survived", format("%.2f%%", 100 * quality.argmaxSurvival()));
        row(out, "encode matrices/s (float32 MB/s)",
                format("%.0f (%.1f)", speed.encodeMatricesPerSecond(), speed.encodeMegabytesPerSecond()));
        row(out, "decode matrices/s (float32 MB/s)",
                format("%.0f (%.1f)", speed.decodeMatricesPerSecond(), speed.decodeMegabytesPerSecond()));
        return out.toString();
    }

    private static void row(StringBuilder out, String metric, String value) {
        out.append("| ").append(metric).append(" | ").append(value).append(" |\n");
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}
