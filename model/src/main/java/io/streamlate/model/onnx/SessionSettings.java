package io.streamlate.model.onnx;

import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;

/**
 * How the ONNX Runtime sessions are built.
 *
 * @param device           execution provider; default {@link Device#CPU}
 * @param allowCpuFallback when CUDA is requested but cannot start: true logs a warning and runs on CPU,
 *                         false (default) fails with EXECUTION_PROVIDER_UNAVAILABLE
 * @param intraOpThreads   threads inside one operator; 0 (default) lets ONNX Runtime choose
 * @param interOpThreads   threads across independent operators; 0 (default) lets ONNX Runtime choose
 */
public record SessionSettings(Device device, boolean allowCpuFallback, int intraOpThreads, int interOpThreads) {

    public static final SessionSettings DEFAULT = new SessionSettings(Device.CPU, false, 0, 0);

    public SessionSettings {
        if (device == null) {
            throw new TranslationException(Reason.INVALID_OPTIONS, "device must be set (cpu or cuda:N)");
        }
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new TranslationException(Reason.INVALID_OPTIONS, "intraOpThreads and interOpThreads must be >= 0 "
                    + "(0 = ONNX Runtime default), got " + intraOpThreads + " and " + interOpThreads);
        }
    }

    public SessionSettings withDevice(Device value) {
        return new SessionSettings(value, allowCpuFallback, intraOpThreads, interOpThreads);
    }

    public SessionSettings withCpuFallback(boolean value) {
        return new SessionSettings(device, value, intraOpThreads, interOpThreads);
    }

    public SessionSettings withThreads(int intraOp, int interOp) {
        return new SessionSettings(device, allowCpuFallback, intraOp, interOp);
    }
}
