package io.streamlate.model;

import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.alignment.GivenWords;
import io.streamlate.model.batching.SubBatch;
import io.streamlate.model.batching.TokenBudgetBatcher;
import io.streamlate.model.decoding.DecodingStrategy;
import io.streamlate.model.decoding.Hypothesis;
import io.streamlate.model.decoding.SearchLimits;
import io.streamlate.model.decoding.TeacherForcing;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.onnx.Device;
import io.streamlate.model.onnx.ModelSessions;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.model.tokenize.SentencePieceTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The facade: one loaded model (manifest, tokenizers, sessions) that translates text and force-aligns given
 * translations. Thread-safe; share one
 * instance per model. Closing it waits for translations in flight, then releases the native sessions and
 * tokenizers; any later call fails with {@link Reason#CLOSED} (native code must never see freed handles: the
 * SentencePiece binding crashes the JVM on a closed processor).
 */
public final class Translator implements AutoCloseable {

    private final Manifest manifest;
    private final SentencePieceTokenizer sourceTokenizer;
    private final SentencePieceTokenizer targetTokenizer;
    private final ModelSessions sessions;
    private final ResultAssembler assembler;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Translator(Manifest manifest, SentencePieceTokenizer sourceTokenizer,
                       SentencePieceTokenizer targetTokenizer, ModelSessions sessions) {
        this.manifest = manifest;
        this.sourceTokenizer = sourceTokenizer;
        this.targetTokenizer = targetTokenizer;
        this.sessions = sessions;
        this.assembler = new ResultAssembler(sourceTokenizer, targetTokenizer, manifest);
    }

    /** Loads and validates the model in {@code directory} (manifest, checksums, graph signatures). */
    public static Translator open(Path directory, SessionSettings settings) {
        return NativeLoading.onLargeStack("load model " + directory, () -> load(directory, settings));
    }

    private static Translator load(Path directory, SessionSettings settings) {
        Manifest manifest = ManifestLoader.load(directory);
        SentencePieceTokenizer source = SentencePieceTokenizer.load(manifest.sourceTokenizer());
        try {
            SentencePieceTokenizer target = SentencePieceTokenizer.load(manifest.targetTokenizer());
            try {
                return new Translator(manifest, source, target, ModelSessions.open(manifest, settings));
            } catch (RuntimeException e) {
                target.close();
                throw e;
            }
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The device the graphs run on (CPU after an allowed CUDA fallback). */
    public Device device() {
        return sessions.device();
    }

    /** The decoding settings published with the model. */
    public TranslationOptions defaultOptions() {
        return TranslationOptions.fromManifest(manifest.decodingDefaults());
    }

    /** Translates one sentence; throws its error (e.g. EMPTY_INPUT) directly. */
    public TranslationResult translate(String text, TranslationOptions options) {
        return translateBatch(List.of(text), options).get(0).orThrow();
    }

    /** The number of source subwords the encoder will see for {@code text}: after truncation, 0 if empty. */
    public int sourceTokens(String text) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            SourceSentence source = tokenize(text);
            return source == null ? 0 : source.ids().length;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * What a pair costs in a batch: the subwords of its longer side as {@link #alignBatch} encodes them (words as
     * given), 0 if a side is empty. A side over max_source_length is not cut: its pair fails in alignBatch.
     */
    public int alignmentTokens(TextPair pair) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            int source = GivenWords.split(pair.source(), sourceTokenizer::encode).ids().length;
            int target = GivenWords.split(pair.target(), targetTokenizer::encode).ids().length;
            return source == 0 || target == 0 ? 0 : Math.max(source, target);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Translates many sentences; results come back in input order, each a success or that sentence's error. */
    public List<TranslationOutcome> translateBatch(List<String> texts, TranslationOptions options) {
        options.validate();
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return translateOpen(texts, options);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new TranslationException(Reason.CLOSED, "translator for " + manifest.modelId() + " "
                    + manifest.modelVersion() + " is closed");
        }
    }

    /**
     * Forced alignment: runs each given translation through the decoder (teacher forcing) and returns, per pair in
     * input order, a result shaped like a translation's whose text is the given target, whose words are the
     * whitespace-separated words of both texts as given, and whose score is the model's log-probability of the
     * target. A pair with an empty side fails with EMPTY_INPUT, one with a side longer than max_source_length
     * subwords with INPUT_TOO_LONG; only that pair fails. Batched under the same token budget as translation,
     * by the longer side of each pair; a pair's result does not depend on its batch.
     */
    public List<TranslationOutcome> alignBatch(List<TextPair> pairs, TranslationOptions options) {
        options.validate();
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return alignOpen(pairs, options);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Aligns one pair; throws its error directly. */
    public TranslationResult align(TextPair pair, TranslationOptions options) {
        return alignBatch(List.of(pair), options).get(0).orThrow();
    }

    private List<TranslationOutcome> alignOpen(List<TextPair> pairs, TranslationOptions options) {
        TranslationOutcome[] outcomes = new TranslationOutcome[pairs.size()];
        List<Integer> valid = new ArrayList<>();
        List<GivenWords> sources = new ArrayList<>();
        List<GivenWords> targets = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            GivenWords source = GivenWords.split(pairs.get(i).source(), sourceTokenizer::encode);
            GivenWords target = GivenWords.split(pairs.get(i).target(), targetTokenizer::encode);
            TranslationException problem = alignmentProblem(i, source, target);
            if (problem != null) {
                outcomes[i] = TranslationOutcome.failure(problem);
            } else {
                valid.add(i);
                sources.add(source);
                targets.add(target);
            }
        }
        TeacherForcing forcing = new TeacherForcing(manifest.specialTokens().bos(), manifest.specialTokens().eos());
        TokenBudgetBatcher batcher = new TokenBudgetBatcher(options.maxBatchTokens(), options.maxBatchSentences());
        List<Integer> lengths = new ArrayList<>();
        for (int k = 0; k < sources.size(); k++) {
            lengths.add(Math.max(sources.get(k).ids().length, targets.get(k).ids().length));
        }
        for (SubBatch batch : batcher.plan(lengths)) {
            int[][] sourceIds = batch.indices().stream().map(k -> sources.get(k).ids()).toArray(int[][]::new);
            int[][] targetIds = batch.indices().stream().map(k -> targets.get(k).ids()).toArray(int[][]::new);
            try {
                List<Hypothesis> forced = forcing.force(sessions, sourceIds, targetIds);
                for (int n = 0; n < batch.size(); n++) {
                    int k = batch.indices().get(n);
                    outcomes[valid.get(k)] = TranslationOutcome.success(assembler.assembleGiven(sources.get(k),
                            targets.get(k), pairs.get(valid.get(k)).target(), forced.get(n), options.linkRule()));
                }
            } catch (TranslationException e) {
                for (int k : batch.indices()) {
                    outcomes[valid.get(k)] = TranslationOutcome.failure(e);
                }
            }
        }
        return Arrays.asList(outcomes);
    }

    /** @return why pair {@code index} cannot be aligned, or null */
    private TranslationException alignmentProblem(int index, GivenWords source, GivenWords target) {
        for (var side : List.of(Map.entry("source", source), Map.entry("target", target))) {
            int pieces = side.getValue().ids().length;
            if (pieces == 0) {
                return new TranslationException(Reason.EMPTY_INPUT, "pair " + index + ": the " + side.getKey()
                        + " is empty or whitespace only");
            }
            if (pieces > manifest.maxSourceLength()) {
                return new TranslationException(Reason.INPUT_TOO_LONG, "pair " + index + ": the " + side.getKey()
                        + " has " + pieces + " subwords, the model aligns at most " + manifest.maxSourceLength());
            }
        }
        return null;
    }

    private List<TranslationOutcome> translateOpen(List<String> texts, TranslationOptions options) {
        TranslationOutcome[] outcomes = new TranslationOutcome[texts.size()];
        List<Integer> valid = new ArrayList<>();
        List<SourceSentence> sources = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            SourceSentence source = tokenize(texts.get(i));
            if (source == null) {
                outcomes[i] = TranslationOutcome.failure(new TranslationException(Reason.EMPTY_INPUT,
                        "sentence " + i + " is empty or whitespace only"));
            } else {
                valid.add(i);
                sources.add(source);
            }
        }
        DecodingStrategy strategy = DecodingStrategy.of(options.beamSize(), options.lengthPenalty(),
                new SearchLimits(options.maxLengthA(), options.maxLengthB()),
                manifest.specialTokens().bos(), manifest.specialTokens().eos());
        TokenBudgetBatcher batcher = new TokenBudgetBatcher(options.maxBatchTokens(), options.maxBatchSentences());
        for (SubBatch batch : batcher.plan(sources.stream().map(s -> s.ids().length).toList())) {
            int[][] ids = batch.indices().stream().map(i -> sources.get(i).ids()).toArray(int[][]::new);
            try {
                List<Hypothesis> hypotheses = strategy.decode(sessions, ids);
                for (int k = 0; k < batch.size(); k++) {
                    int index = batch.indices().get(k);
                    outcomes[valid.get(index)] = TranslationOutcome.success(
                            assembler.assemble(sources.get(index), hypotheses.get(k), options.linkRule()));
                }
            } catch (TranslationException e) {
                // an inference failure costs only this sub-batch's sentences
                for (int index : batch.indices()) {
                    outcomes[valid.get(index)] = TranslationOutcome.failure(e);
                }
            }
        }
        return Arrays.asList(outcomes);
    }

    /** @return null for text with nothing to translate */
    private SourceSentence tokenize(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        int[] ids = sourceTokenizer.encode(text);
        if (ids.length == 0) {
            return null;
        }
        int max = manifest.maxSourceLength();
        return ids.length > max ? new SourceSentence(Arrays.copyOf(ids, max), true) : new SourceSentence(ids, false);
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try (sourceTokenizer; targetTokenizer; sessions) {
                // closes all three in reverse order, even if one fails
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
