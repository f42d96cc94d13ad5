package io.streamlate.bench;

import java.util.List;
import java.util.Locale;

/** The markdown table comparing Java and PyTorch per configuration. */
final class ReportTable {

    private ReportTable() {
    }

    static String render(List<Measurement> java, List<Measurement> torch) {
        StringBuilder out = new StringBuilder();
        out.append("| decoding | batch | Java sent/s | Java tok/s | PyTorch sent/s | PyTorch tok/s | Java/PyTorch |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Measurement j : java) {
            Measurement t = torch.stream().filter(m -> m.beam() == j.beam() && m.batch() == j.batch())
                    .findFirst().orElse(null);
            String decoding = j.beam() == 1 ? "greedy" : "beam " + j.beam();
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f | %s | %s | %s |%n", decoding, j.batch(),
                    j.sentencesPerSecond(), j.tokensPerSecond(),
                    t == null ? "n/a" : String.format(Locale.ROOT, "%.1f", t.sentencesPerSecond()),
                    t == null ? "n/a" : String.format(Locale.ROOT, "%.0f", t.tokensPerSecond()),
                    t == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", j.sentencesPerSecond() / t.sentencesPerSecond())));
        }
        return out.toString();
    }
}
