package io.streamlate.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SessionFactoryTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void intraOpThreadsSpinOnlyWhenAsked(boolean spinWait) throws OrtException {
        SessionFactory factory = new SessionFactory(OrtEnvironment.getEnvironment(),
                SessionSettings.DEFAULT.withSpinWait(spinWait));

        try (OrtSession.SessionOptions options = factory.options(Device.CPU)) {
            assertThat(options.getConfigEntries()).containsEntry(SessionFactory.ALLOW_SPINNING,
                    spinWait ? "1" : "0");
        }
    }
}
