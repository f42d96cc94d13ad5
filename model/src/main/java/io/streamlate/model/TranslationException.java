package io.streamlate.model;

/**
 * The one exception type that leaves this module: ONNX Runtime, tokenizer and I/O failures are wrapped here
 * with a {@link Reason}, so callers branch on the reason instead of on third-party exception classes.
 */
public final class TranslationException extends RuntimeException {

    /** Why a translation or a model load failed. */
    public enum Reason {
        /** The sentence (or a side of a pair to align) is empty or whitespace only; only that sentence fails. */
        EMPTY_INPUT,
        /** A side of a pair to align has more subwords than the model's max_source_length; only that pair fails. */
        INPUT_TOO_LONG,
        /** The model directory, manifest or graphs do not match the contract. */
        MODEL_INVALID,
        /** The requested execution provider (e.g. CUDA) could not be started and fallback was not allowed. */
        EXECUTION_PROVIDER_UNAVAILABLE,
        /** ONNX Runtime failed while running a graph. */
        INFERENCE_FAILED,
        /** A {@link TranslationOptions} or session setting is out of its bounds. */
        INVALID_OPTIONS,
        /** No model is registered for the requested language pair. */
        UNSUPPORTED_LANGUAGE_PAIR,
        /** The translator was closed; its native sessions and tokenizers are gone. */
        CLOSED
    }

    private final Reason reason;

    public TranslationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TranslationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }
}
