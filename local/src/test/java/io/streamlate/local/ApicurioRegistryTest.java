package io.streamlate.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApicurioRegistryTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theConfluentCompatibleApiAnswersOnLoopbackUntilClosed() throws Exception {
        URI subjects;
        try (ApicurioRegistry registry = ApicurioRegistry.start()) {
            assertThat(registry.url().getHost()).isEqualTo("127.0.0.1");
            assertThat(registry.ccompatUrl().toString()).isEqualTo(registry.url() + "/apis/ccompat/v7");
            subjects = URI.create(registry.ccompatUrl() + "/subjects");

            HttpResponse<String> response = get(subjects);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("[]");
        }
        assertThatThrownBy(() -> get(subjects)).isInstanceOf(ConnectException.class);
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
