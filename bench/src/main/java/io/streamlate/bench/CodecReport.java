package io.streamlate.bench;

import java.util.List;
import java.util.Locale;

/** The markdown tables of one codec benchmark run: v2 beside v1 at one policy, and a keep-policy sweep. */
final class CodecReport {

    private CodecReport() {
    }

    static String render(CodecRun v2, CodecRun v1) {
        CodecQuality a = v2.quality();
        CodecQuality b = v1.quality();
        StringBuilder out = new StringBuilder();
        out.append("| metric | v2 | v1 |\n|---|---:|---:|\n");
        row(out, "matrices / target tokens", a.matrices() + " / " + a.targetTokens(),
                b.matrices() + " / " + b.targetTokens());
        row(out, "bytes per target token", format("%.2f", a.bytesPerTargetToken()),
                format("%.2f", b.bytesPerTargetToken()));
        row(out, "ratio vs float32", format("%.1fx", a.ratioVsFloat32()), format("%.1fx", b.ratioVsFloat32()));
        row(out, "size vs v1", format("%.2fx smaller", (double) b.encodedBytes() / a.encodedBytes()), "1");
        row(out, "max / mean abs error, kept weights",
                format("%.5f / %.5f", a.keptMaxError(), a.keptMeanError()),
                format("%.5f / %.5f", b.keptMaxError(), b.keptMeanError()));
        row(out, "max / mean abs error, all weights",
                format("%.5f / %.6f", a.overallMaxError(), a.overallMeanError()),
                format("%.5f / %.6f", b.overallMaxError(), b.overallMeanError()));
        row(out, "rows whose argmax survived", format("%.2f%%", 100 * a.argmaxSurvival()),
                format("%.2f%%", 100 * b.argmaxSurvival()));
        row(out, "encode matrices/s (float32 MB/s)", encode(v2.speed()), encode(v1.speed()));
        row(out, "decode matrices/s (float32 MB/s)", decode(v2.speed()), decode(v1.speed()));
        return out.toString();
    }

    /** One line per policy, v2 and v1 on the same matrices; no timing. */
    static String sweep(List<CodecRun> v2, List<CodecRun> v1) {
        StringBuilder out = new StringBuilder();
        out.append("| mass kept | max kept | v2 bytes / target token | v2 ratio vs float32 | v1 ratio vs float32"
                + " | max / mean abs error, all weights | max abs error, kept weights (v2) |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < v2.size(); i++) {
            CodecQuality a = v2.get(i).quality();
            CodecQuality b = v1.get(i).quality();
            out.append(format("| %.1f%% | %d | %.2f | %.1fx | %.1fx | %.4f / %.4f | %.5f |%n",
                    v2.get(i).policy().massPermille() / 10.0, v2.get(i).policy().maxKept(),
                    a.bytesPerTargetToken(), a.ratioVsFloat32(), b.ratioVsFloat32(),
                    a.overallMaxError(), a.overallMeanError(), a.keptMaxError()));
        }
        return out.toString();
    }

    private static String encode(CodecSpeed speed) {
        return format("%.0f (%.1f)", speed.encodeMatricesPerSecond(), speed.encodeMegabytesPerSecond());
    }

    private static String decode(CodecSpeed speed) {
        return format("%.0f (%.1f)", speed.decodeMatricesPerSecond(), speed.decodeMegabytesPerSecond());
    }

    private static void row(StringBuilder out, String metric, String v2, String v1) {
        out.append("| ").append(metric).append(" | ").append(v2).append(" | ").append(v1).append(" |\n");
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}
