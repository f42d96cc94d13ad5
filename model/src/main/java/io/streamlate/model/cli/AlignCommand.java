package io.streamlate.model.cli;

import io.streamlate.model.TextPair;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.TranslationResult;
import io.streamlate.model.Translator;
import io.streamlate.model.heatmap.AsciiHeatmap;
import io.streamlate.model.heatmap.PngHeatmap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * Forced alignment of given translations, in the line format of fast_align and awesome-align: reads
 * {@code source ||| target} lines and writes one Pharaoh line per input line, in input order, words being the
 * whitespace-separated tokens of each side as given. A pair that cannot be aligned gets an empty line, its reason
 * goes to stderr. Heatmaps go to stderr too, so stdout stays one Pharaoh line per pair.
 */
@Command(name = "align", mixinStandardHelpOptions = true,
        description = "Force-align given translations: 'source ||| target' lines in (file or stdin), one Pharaoh "
                + "line out per line (source word-target word, zero-based; empty when the pair failed, reason on "
                + "stderr).")
public final class AlignCommand implements Callable<Integer> {

    private static final Pattern SEPARATOR = Pattern.compile("\\s*\\|\\|\\|\\s*");
    private static final int CHUNK = 256;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "input file, one 'source ||| target' per line; "
            + "default stdin")
    Path input;

    @Option(names = "--scores", paramLabel = "FILE", description = "also write the model's log-probability of each "
            + "given target, one per line (empty for a failed pair)")
    Path scores;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;

    public AlignCommand() {
        this(System.in);
    }

    AlignCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new AlignCommand()).execute(args));
    }

    /** @return 0 when every pair aligned, 1 when some failed, 2 when the model could not be used */
    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> lines = InputLines.read(input, stdin);
        try (Translator translator = engine.open()) {
            TranslationOptions options = engine.options(translator);
            if (engine.pngDirectory != null) {
                Files.createDirectories(engine.pngDirectory);
            }
            List<String> scoreLines = new ArrayList<>();
            int failures = 0;
            for (int start = 0; start < lines.size(); start += CHUNK) {
                List<String> chunk = lines.subList(start, Math.min(lines.size(), start + CHUNK));
                List<Integer> parsed = new ArrayList<>();
                List<TextPair> pairs = new ArrayList<>();
                for (int k = 0; k < chunk.size(); k++) {
                    String[] sides = SEPARATOR.split(chunk.get(k), 2);
                    if (sides.length == 2) {
                        parsed.add(k);
                        pairs.add(new TextPair(sides[0], sides[1]));
                    }
                }
                List<TranslationOutcome> outcomes = translator.alignBatch(pairs, options);
                for (int k = 0, next = 0; k < chunk.size(); k++) {
                    int line = start + k + 1;
                    TranslationOutcome outcome = next < parsed.size() && parsed.get(next) == k ? outcomes.get(next++) : null;
                    if (outcome == null || !outcome.isSuccess()) {
                        failures++;
                        err.println("line " + line + ": " + (outcome == null
                                ? "not 'source ||| target'" : outcome.error().getMessage()));
                        out.println();
                        scoreLines.add("");
                    } else {
                        out.println(outcome.result().pharaoh());
                        scoreLines.add(String.format("%.4f", outcome.result().score()));
                        draw(err, line, pairs.get(next - 1), outcome.result());
                    }
                }
                out.flush();
                if (lines.size() > CHUNK) {
                    err.println("aligned " + Math.min(lines.size(), start + CHUNK) + "/" + lines.size() + " pairs");
                }
                err.flush();
            }
            if (scores != null) {
                Files.write(scores, scoreLines, StandardCharsets.UTF_8);
            }
            return failures == 0 ? 0 : 1;
        } catch (TranslationException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
    }

    private void draw(PrintWriter err, int line, TextPair pair, TranslationResult result) throws IOException {
        if (engine.heatmap) {
            err.println("line " + line + ": " + pair.source() + " ||| " + pair.target());
            err.print(AsciiHeatmap.render(result.sourcePieces(), result.targetPieces(), result.attention()));
        }
        if (engine.pngDirectory != null) {
            PngHeatmap.write(engine.pngDirectory.resolve(String.format("pair-%03d.png", line)),
                    pair.source() + " ||| " + pair.target(), result.sourcePieces(), result.targetPieces(),
                    result.attention());
        }
    }
}
