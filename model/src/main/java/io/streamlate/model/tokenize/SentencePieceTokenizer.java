package io.streamlate.model.tokenize;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One SentencePiece model (DJL's JNI binding): text to ids, ids to pieces and back to text. No BOS/EOS is added;
 * the decoder feeds BOS itself, exactly as the training code does.
 */
public final class SentencePieceTokenizer implements AutoCloseable {

    static {
        // The natives ship inside the DJL jar and are extracted to a local cache; offline mode makes sure DJL
        // never tries to download anything (the engine runs on hosts without internet access).
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private final SpTokenizer tokenizer;
    private final SpProcessor processor;

    private SentencePieceTokenizer(SpTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.processor = tokenizer.getProcessor();
    }

    public static SentencePieceTokenizer load(Path modelFile) {
        try {
            return new SentencePieceTokenizer(new SpTokenizer(modelFile));
        } catch (IOException | RuntimeException e) {
            throw new TranslationException(Reason.MODEL_INVALID,
                    "cannot load SentencePiece model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    public int[] encode(String text) {
        return processor.encode(text);
    }

    public List<String> pieces(int[] ids) {
        List<String> pieces = new ArrayList<>(ids.length);
        for (int id : ids) {
            pieces.add(processor.getToken(id));
        }
        return pieces;
    }

    public String decode(int[] ids) {
        return processor.decode(ids);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
