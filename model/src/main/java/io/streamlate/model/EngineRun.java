package io.streamlate.model;

import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.decoding.DecodingStrategy;
import io.streamlate.model.decoding.FinishedSentences;
import io.streamlate.model.decoding.Hypothesis;
import io.streamlate.model.decoding.SearchLimits;
import io.streamlate.model.decoding.TeacherForcing;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.onnx.ModelSessions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One engine call over inputs already tokenised: the inputs the engine rejects fail alone, the rest go through the
 * sessions together (one search, or teacher forcing, of one planned batch), and an inference
 * failure fails only those not answered yet. Each outcome goes to the call's {@link OutcomeSink} as it is known.
 */
final class EngineRun {

    private final Manifest manifest;
    private final ModelSessions sessions;
    private final ResultAssembler assembler;

    EngineRun(Manifest manifest, ModelSessions sessions, ResultAssembler assembler) {
        this.manifest = manifest;
        this.sessions = sessions;
        this.assembler = assembler;
    }

    /** The sentences decode at once, as one batch. */
    void translate(List<Tokenized.Sentence> sentences, TranslationOptions options, OutcomeSink sink) {
        List<Integer> valid = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            if (sentences.get(i).ids().length == 0) {
                sink.accept(i, TranslationOutcome.failure(new TranslationException(Reason.EMPTY_INPUT,
                        "the sentence is empty or whitespace only")));
            } else {
                valid.add(i);
            }
        }
        DecodingStrategy strategy = DecodingStrategy.of(options.beamSize(), options.lengthPenalty(),
                new SearchLimits(options.maxLengthA(), options.maxLengthB()),
                manifest.specialTokens().bos(), manifest.specialTokens().eos());
        int[][] ids = valid.stream().map(i -> sentences.get(i).ids()).toArray(int[][]::new);
        run(valid, sink, finished -> strategy.decode(sessions, ids, finished),
                (k, hypothesis) -> assembler.assemble(sentences.get(valid.get(k)), hypothesis, options.linkRule()));
    }

    void align(List<Tokenized.Pair> pairs, TranslationOptions options, OutcomeSink sink) {
        List<Integer> valid = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            TranslationException problem = problem(pairs.get(i));
            if (problem != null) {
                sink.accept(i, TranslationOutcome.failure(problem));
            } else {
                valid.add(i);
            }
        }
        TeacherForcing forcing = new TeacherForcing(manifest.specialTokens().bos(), manifest.specialTokens().eos());
        IntFunction<Tokenized.Pair> pair = k -> pairs.get(valid.get(k));
        int[][] sources = valid.stream().map(i -> pairs.get(i).source().ids()).toArray(int[][]::new);
        int[][] targets = valid.stream().map(i -> pairs.get(i).target().ids()).toArray(int[][]::new);
        run(valid, sink, finished -> {
            List<Hypothesis> forced = forcing.force(sessions, sources, targets);
            for (int k = 0; k < forced.size(); k++) {
                finished.finished(k, forced.get(k));
            }
        }, (k, hypothesis) -> assembler.assembleGiven(pair.apply(k), hypothesis, options.linkRule()));
    }

    /** @return why a pair cannot be aligned, or null */
    private TranslationException problem(Tokenized.Pair pair) {
        TranslationException source = problem("source", pair.source().ids().length);
        return source != null ? source : problem("target", pair.target().ids().length);
    }

    private TranslationException problem(String side, int pieces) {
        if (pieces == 0) {
            return new TranslationException(Reason.EMPTY_INPUT, "the " + side + " is empty or whitespace only");
        }
        if (pieces > manifest.maxSourceLength()) {
            return new TranslationException(Reason.INPUT_TOO_LONG, "the " + side + " has " + pieces
                    + " subwords, the model aligns at most " + manifest.maxSourceLength());
        }
        return null;
    }

    private interface Inference {
        void run(FinishedSentences finished);
    }

    private interface Assembly {
        TranslationResult assemble(int k, Hypothesis hypothesis);
    }

    /**
     * Runs the valid inputs together, each outcome going to the sink as its hypothesis comes; an inference failure
     * costs only those still without one.
     */
    private static void run(List<Integer> valid, OutcomeSink sink, Inference inference, Assembly assembly) {
        if (valid.isEmpty()) {
            return;
        }
        boolean[] answered = new boolean[valid.size()];
        try {
            inference.run((k, hypothesis) -> {
                answered[k] = true;
                sink.accept(valid.get(k), TranslationOutcome.success(assembly.assemble(k, hypothesis)));
            });
        } catch (TranslationException e) {
            for (int k = 0; k < valid.size(); k++) {
                if (!answered[k]) {
                    sink.accept(valid.get(k), TranslationOutcome.failure(e));
                }
            }
        }
    }
}
