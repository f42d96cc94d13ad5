package io.streamlate.model;

import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.alignment.GivenWords;
import io.streamlate.model.batching.SubBatch;
import io.streamlate.model.batching.TokenBudgetBatcher;
import io.streamlate.model.manifest.Manifest;
import io.streamlate.model.manifest.ManifestLoader;
import io.streamlate.model.onnx.Device;
import io.streamlate.model.onnx.ModelSessions;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.model.tokenize.SentencePieceTokenizer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The facade: one loaded model (manifest, tokenizers, sessions) that translates text and force-aligns given
 * translations. Two levels: {@link #translateBatch} and {@link #alignBatch} take texts, tokenise them and batch
 * them under the options' limits themselves; {@link #tokenize} with {@link #translateTokenized} and
 * {@link #alignTokenized} let a caller that batches on its own (the micro-batcher) tokenise each input once and run
 * each batch as planned.
 * Thread-safe; share one instance per model. Closing it waits for calls in flight, then releases the native
 * sessions and tokenizers; any later call fails with {@link Reason#CLOSED} (native code must never see freed
 * handles: the SentencePiece binding crashes the JVM on a closed processor).
 */
public final class Translator implements AutoCloseable {

    private final Manifest manifest;
    private final SentencePieceTokenizer sourceTokenizer;
    private final SentencePieceTokenizer targetTokenizer;
    private final ModelSessions sessions;
    private final EngineRun run;
    private final LongAdder tokenized = new LongAdder();
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Translator(Manifest manifest, SentencePieceTokenizer sourceTokenizer,
                       SentencePieceTokenizer targetTokenizer, ModelSessions sessions) {
        this.manifest = manifest;
        this.sourceTokenizer = sourceTokenizer;
        this.targetTokenizer = targetTokenizer;
        this.sessions = sessions;
        this.run = new EngineRun(manifest, sessions,
                new ResultAssembler(sourceTokenizer, targetTokenizer, manifest));
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

    /** Aligns one pair; throws its error directly. */
    public TranslationResult align(TextPair pair, TranslationOptions options) {
        return alignBatch(List.of(pair), options).get(0).orThrow();
    }

    /**
     * Translates many sentences: tokenises them and decodes them in length-sorted sub-batches under the options'
     * limits (at most maxBatchSentences each, their longest source times their count within maxBatchTokens), each
     * one search to its longest output. Results come back in input order, each a success or that sentence's error,
     * and a sentence's result does not depend on which others decode beside it.
     */
    public List<TranslationOutcome> translateBatch(List<String> texts, TranslationOptions options) {
        options.validate();
        List<Tokenized.Sentence> sentences = texts.stream().map(this::tokenize).toList();
        return inSubBatches(sentences, (batch, sink) -> run.translate(batch, options, sink), options);
    }

    /**
     * Forced alignment of many pairs: runs each given translation through the decoder (teacher forcing) and
     * returns, per pair in input order, a result shaped like a translation's whose text is the given target, whose
     * words are the whitespace-separated words of both texts as given, and whose score is the model's
     * log-probability of the target. A pair with an empty side fails with EMPTY_INPUT, one with a side longer than
     * max_source_length subwords with INPUT_TOO_LONG; only that pair fails. The pairs run in length-sorted
     * sub-batches under the same limits as translations, a pair costing its longer side; a pair's result does not
     * depend on its batch.
     */
    public List<TranslationOutcome> alignBatch(List<TextPair> pairs, TranslationOptions options) {
        options.validate();
        List<Tokenized.Pair> tokenized = pairs.stream().map(this::tokenize).toList();
        return inSubBatches(tokenized, (batch, sink) -> run.align(batch, options, sink), options);
    }

    /** Tokenises a text for {@link #translateTokenized}, cut to max_source_length; blank text has no ids. */
    public Tokenized.Sentence tokenize(String text) {
        return read(() -> {
            tokenized.increment();
            int[] ids = text == null || text.isBlank() ? new int[0] : sourceTokenizer.encode(text);
            int max = manifest.maxSourceLength();
            return ids.length > max ? new Tokenized.Sentence(Arrays.copyOf(ids, max), true)
                    : new Tokenized.Sentence(ids, false);
        });
    }

    /** Tokenises a pair for {@link #alignTokenized}: each side split into its words as given, never cut. */
    public Tokenized.Pair tokenize(TextPair pair) {
        return read(() -> {
            tokenized.add(2);
            return new Tokenized.Pair(GivenWords.split(pair.source(), sourceTokenizer::encode),
                    GivenWords.split(pair.target(), targetTokenizer::encode), pair.target());
        });
    }

    /**
     * Translates already tokenised sentences in one engine run, all of them decoding at once (the caller planned the
     * batch): each sentence's outcome, a success or its error, goes to {@code sink} as soon as its own search ends,
     * so a short sentence is answered while the batch's longest still decodes.
     */
    public void translateTokenized(List<Tokenized.Sentence> sentences, TranslationOptions options, OutcomeSink sink) {
        options.validate();
        whileOpen(() -> run.translate(sentences, options, sink));
    }

    /** As {@link #translateTokenized(List, TranslationOptions, OutcomeSink)}: the outcomes in input order. */
    public List<TranslationOutcome> translateTokenized(List<Tokenized.Sentence> sentences, TranslationOptions options) {
        OutcomeSink.Collected outcomes = new OutcomeSink.Collected(sentences.size());
        translateTokenized(sentences, options, outcomes);
        return outcomes.inInputOrder();
    }

    /**
     * Force-aligns already tokenised pairs in one engine run (see {@link #alignBatch}); the outcomes go to
     * {@code sink} together, after teacher forcing, in input order.
     */
    public void alignTokenized(List<Tokenized.Pair> pairs, TranslationOptions options, OutcomeSink sink) {
        options.validate();
        whileOpen(() -> run.align(pairs, options, sink));
    }

    /** Every text this translator tokenised since it opened (a pair counts its two texts): for monitoring. */
    public long textsTokenized() {
        return tokenized.sum();
    }

    /** One engine call on a planned batch, its outcomes numbered within the batch. */
    private interface BatchRun<T extends Tokenized> {
        void run(List<T> batch, OutcomeSink sink);
    }

    /**
     * Plans length-sorted sub-batches under the options' limits (already validated; {@link TokenBudgetBatcher}) and
     * runs each while the translator is open: on these CPU cores a step costs about in proportion to its rows, so a
     * sub-batch's tail (its longest outputs decoding with few rows left) costs little, while keeping a batch full by
     * admitting waiting sentences made every row pad to longer sources: continuous batching ran at 0.93x for greedy, 0.93x for beam 4 and 0.83x for beam 8 of
     * these sub-batches (bench/results/scheduling-2026-12-07.md, 1,000 sentences; 0.96x, 0.92x, 0.71x on 200).
     */
    private <T extends Tokenized> List<TranslationOutcome> inSubBatches(List<T> inputs, BatchRun<T> batchRun,
                                                                         TranslationOptions options) {
        OutcomeSink.Collected outcomes = new OutcomeSink.Collected(inputs.size());
        TokenBudgetBatcher batcher = new TokenBudgetBatcher(options.maxBatchTokens(), options.maxBatchSentences());
        for (SubBatch batch : batcher.plan(inputs.stream().map(Tokenized::cost).toList())) {
            List<T> inputsOfBatch = batch.indices().stream().map(inputs::get).toList();
            whileOpen(() -> batchRun.run(inputsOfBatch, (k, outcome) -> outcomes.accept(batch.indices().get(k),
                    outcome)));
        }
        return outcomes.inInputOrder();
    }

    private void whileOpen(Runnable action) {
        read(() -> {
            action.run();
            return null;
        });
    }

    /** Runs {@code action} while the translator is open: its natives cannot be freed meanwhile. */
    private <T> T read(Supplier<T> action) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new TranslationException(Reason.CLOSED, "translator for " + manifest.modelId() + " "
                        + manifest.modelVersion() + " is closed");
            }
            return action.get();
        } finally {
            lifecycle.readLock().unlock();
        }
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
