package io.streamlate.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.streamlate.model.TestModels;
import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;
import io.streamlate.model.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class ExecutionProviderTest {

    @Test
    void parsesDevices() {
        assertThat(Device.parse("cpu")).isEqualTo(Device.CPU);
        assertThat(Device.parse("cuda:1")).isEqualTo(new Device(Device.Kind.CUDA, 1));
        assertThat(Device.parse("CUDA")).hasToString("cuda:0");
        assertThatThrownBy(() -> Device.parse("gpu")).hasMessageContaining("'gpu' is not 'cpu' or 'cuda:N'");
    }

    @Test
    void cudaThatCannotStartFailsClearlyOrFallsBackWhenAllowed() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this build has CUDA (mvn -Pcuda); the unavailable-provider path needs the CPU build");
        SessionSettings cuda = SessionSettings.DEFAULT.withDevice(Device.parse("cuda:0"));

        assertThatThrownBy(() -> ModelSessions.open(ManifestLoader.load(TestModels.TINY), cuda))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.EXECUTION_PROVIDER_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("cuda:0 is unavailable").contains("allow CPU fallback");
                });
        try (ModelSessions sessions = ModelSessions.open(ManifestLoader.load(TestModels.TINY),
                cuda.withCpuFallback(true))) {
            assertThat(sessions.device()).isEqualTo(Device.CPU);
        }
    }

    @Test
    void rejectsNegativeThreadCounts() {
        assertThatThrownBy(() -> SessionSettings.DEFAULT.withThreads(-1, 0))
                .isInstanceOfSatisfying(TranslationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_OPTIONS));
    }
}
