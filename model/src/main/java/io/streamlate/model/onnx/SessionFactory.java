package io.streamlate.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Builds sessions for the configured execution provider. A CUDA failure either fails loudly or, when the user
 * allowed it, switches this factory to CPU, so the graphs opened after the failure run on CPU too.
 */
final class SessionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);
    /** ONNX Runtime's session option key (onnxruntime_session_options_config_keys.h). */
    static final String ALLOW_SPINNING = "session.intra_op.allow_spinning";

    private final OrtEnvironment environment;
    private final SessionSettings settings;
    private Device device;

    SessionFactory(OrtEnvironment environment, SessionSettings settings) {
        this.environment = environment;
        this.settings = settings;
        this.device = settings.device();
    }

    Device device() {
        return device;
    }

    OrtSession open(Path graph) {
        try {
            return create(graph, device);
        } catch (OrtException | RuntimeException e) {
            if (device.kind() == Device.Kind.CPU) {
                throw new TranslationException(Reason.MODEL_INVALID,
                        "ONNX Runtime cannot load " + graph + ": " + e.getMessage(), e);
            }
            String problem = "execution provider " + device + " is unavailable (" + e.getMessage()
                    + "); it needs the onnxruntime_gpu build (mvn -Pcuda), CUDA 12, cuDNN 9 and a visible GPU";
            if (!settings.allowCpuFallback()) {
                throw new TranslationException(Reason.EXECUTION_PROVIDER_UNAVAILABLE,
                        problem + ". Use device cpu, or allow CPU fallback.", e);
            }
            LOG.warn("{}; falling back to CPU as allowed", problem);
            device = Device.CPU;
            return open(graph);
        }
    }

    private OrtSession create(Path graph, Device target) throws OrtException {
        try (OrtSession.SessionOptions options = options(target)) {
            return environment.createSession(graph.toString(), options);
        }
    }

    /** The options every session of these settings is built with; the caller closes them. */
    OrtSession.SessionOptions options(Device target) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            if (settings.interOpThreads() > 0) {
                options.setInterOpNumThreads(settings.interOpThreads());
            }
            options.addConfigEntry(ALLOW_SPINNING, settings.spinWait() ? "1" : "0");
            if (target.kind() == Device.Kind.CUDA) {
                options.addCUDA(target.index());
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }
}
