package io.streamlate.model.onnx;

import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.manifest.Precision;

/**
 * How the ONNX Runtime sessions are built.
 *
 * @param device           execution provider; default {@link Device#CPU}
 * @param allowCpuFallback when CUDA is requested but cannot start: true logs a warning and runs on CPU,
 *                         false (default) fails with EXECUTION_PROVIDER_UNAVAILABLE
 * @param intraOpThreads   threads inside one operator; 0 (default) lets ONNX Runtime choose
 * @param interOpThreads   threads across independent operators; 0 (default) lets ONNX Runtime choose
 * @param precision        which of the model's graph variants run; default {@link Precision#FLOAT32}, the one
 *                         every model has
 * @param topK             when the model has a top-k decoder step: decode with it, reading k candidates per row
 *                         instead of the whole vocabulary (default); false decodes from the full distribution,
 *                         the path the parity tests compare it with
 * @param spinWait         whether ONNX Runtime's intra-op threads spin, waiting for work, after each run (its own
 *                         default) instead of sleeping (default false). Every session has its own thread pool, and
 *                         the engine runs the encoder, then a decoder step, then Java between steps: a pool left
 *                         spinning takes a core from whichever runs next. On 2 cores, not spinning made greedy
 *                         decoding 1.2-1.4x faster at batch 1 to 64 (bench/results/graph-2026-12-04.md); spinning can
 *                         pay where cores are many and one session runs back to back.
 */
public record SessionSettings(Device device, boolean allowCpuFallback, int intraOpThreads, int interOpThreads,
                              Precision precision, boolean topK, boolean spinWait, long bufferPoolBytes) {

    public static final SessionSettings DEFAULT = new SessionSettings(Device.CPU, false, 0, 0, Precision.FLOAT32,
            true, false, DirectBufferPool.DEFAULT_RETAINED_BYTES);

    public SessionSettings {
        if (device == null) {
            throw new TranslationException(Reason.INVALID_OPTIONS, "device must be set (cpu or cuda:N)");
        }
        if (precision == null) {
            throw new TranslationException(Reason.INVALID_OPTIONS, "precision must be set (float32 or int8)");
        }
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new TranslationException(Reason.INVALID_OPTIONS, "intraOpThreads and interOpThreads must be >= 0 "
                    + "(0 = ONNX Runtime default), got " + intraOpThreads + " and " + interOpThreads);
        }
        if (bufferPoolBytes < 0) {
            throw new TranslationException(Reason.INVALID_OPTIONS, "bufferPoolBytes must be >= 0 (0 = keep no "
                    + "buffers for reuse), got " + bufferPoolBytes);
        }
    }

    public SessionSettings withDevice(Device value) {
        return new SessionSettings(value, allowCpuFallback, intraOpThreads, interOpThreads, precision, topK,
                spinWait, bufferPoolBytes);
    }

    public SessionSettings withCpuFallback(boolean value) {
        return new SessionSettings(device, value, intraOpThreads, interOpThreads, precision, topK, spinWait,
                bufferPoolBytes);
    }

    public SessionSettings withThreads(int intraOp, int interOp) {
        return new SessionSettings(device, allowCpuFallback, intraOp, interOp, precision, topK, spinWait,
                bufferPoolBytes);
    }

    public SessionSettings withPrecision(Precision value) {
        return new SessionSettings(device, allowCpuFallback, intraOpThreads, interOpThreads, value, topK,
                spinWait, bufferPoolBytes);
    }

    public SessionSettings withTopK(boolean value) {
        return new SessionSettings(device, allowCpuFallback, intraOpThreads, interOpThreads, precision, value,
                spinWait, bufferPoolBytes);
    }

    public SessionSettings withSpinWait(boolean value) {
        return new SessionSettings(device, allowCpuFallback, intraOpThreads, interOpThreads, precision, topK, value,
                bufferPoolBytes);
    }

    public SessionSettings withBufferPoolBytes(long value) {
        return new SessionSettings(device, allowCpuFallback, intraOpThreads, interOpThreads, precision, topK, spinWait,
                value);
    }
}
