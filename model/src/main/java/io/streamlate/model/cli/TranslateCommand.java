package io.streamlate.model.cli;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Translates one sentence per line from a file or stdin and shows the alignment, with the engine's defaults. */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate one sentence per line (file or stdin); print translation and word alignment.")
public final class TranslateCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "input file, one sentence per line; default stdin")
    Path input;

    @Option(names = "--beam", description = "beam size, 1 = greedy (default: the model's decoding_defaults)")
    Integer beam;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;

    public TranslateCommand() {
        this(System.in);
    }

    TranslateCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TranslateCommand()).execute(args));
    }

    /** @return 0 when every sentence translated, 1 when some failed, 2 when the model could not be used */
    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> sentences = InputLines.read(input, stdin);
        try (Translator translator = engine.open()) {
            TranslationOptions options = beam == null ? engine.options(translator)
                    : engine.options(translator).withBeamSize(beam);
            if (engine.pngDirectory != null) {
                Files.createDirectories(engine.pngDirectory);
            }
            List<TranslationOutcome> outcomes = translator.translateBatch(sentences, options);
            int failures = 0;
            for (int i = 0; i < sentences.size(); i++) {
                TranslationOutcome outcome = outcomes.get(i);
                out.println("source: " + sentences.get(i));
                if (!outcome.isSuccess()) {
                    failures++;
                    out.println("error:  " + outcome.error().getMessage());
                } else {
                    print(out, i, sentences.get(i), outcome.result());
                }
                out.println();
            }
            out.flush();
            return failures == 0 ? 0 : 1;
        } catch (TranslationException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
    }

    private void print(PrintWriter out, int index, String source, TranslationResult result) throws IOException {
        out.println("target: " + result.text());
        out.println("align:  " + result.pharaoh() + (result.truncated() ? "  (source truncated)" : ""));
        if (engine.heatmap) {
            out.print(AsciiHeatmap.render(result.sourcePieces(), result.targetPieces(), result.attention()));
        }
        if (engine.pngDirectory != null) {
            Path png = engine.pngDirectory.resolve(String.format("sentence-%03d.png", index + 1));
            PngHeatmap.write(png, source + " -> " + result.text(), result.sourcePieces(), result.targetPieces(),
                    result.attention());
            out.println("png:    " + png);
        }
    }
}
