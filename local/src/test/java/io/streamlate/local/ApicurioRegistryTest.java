package io.streamlate.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApicurioRegistryTest {

    private static final Duration REGISTRY_START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration ORPHAN_EXIT_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theConfluentCompatibleApiAnswersOnLoopbackUntilClosedAndTheProcessTreeIsGone() throws Exception {
        URI subjects;
        ProcessHandle process;
        List<ProcessHandle> descendants;
        try (ApicurioRegistry registry = ApicurioRegistry.start()) {
            assertThat(registry.url().getHost()).isEqualTo("127.0.0.1");
            assertThat(registry.ccompatUrl().toString()).isEqualTo(registry.url() + "/apis/ccompat/v7");
            subjects = URI.create(registry.ccompatUrl() + "/subjects");
            process = ProcessHandle.of(registry.pid()).orElseThrow();
            descendants = process.descendants().toList();

            HttpResponse<String> response = get(subjects);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("[]");
        }
        assertThat(process.isAlive()).isFalse();
        assertThat(descendants).noneMatch(ProcessHandle::isAlive);
        assertThatThrownBy(() -> get(subjects)).isInstanceOf(ConnectException.class);
    }

    @Test
    void aFrozenRegistryAcceptsButNeverAnswersUntilThawed() throws Exception {
        try (ApicurioRegistry registry = ApicurioRegistry.start()) {
            URI subjects = URI.create(registry.ccompatUrl() + "/subjects");
            assertThat(get(subjects).statusCode()).isEqualTo(200);

            registry.freeze();
            HttpRequest patient = HttpRequest.newBuilder(subjects).timeout(Duration.ofSeconds(2)).build();
            assertThatThrownBy(() -> http.send(patient, HttpResponse.BodyHandlers.ofString()))
                    .as("connected, then no answer").isExactlyInstanceOf(HttpTimeoutException.class);

            registry.thaw();
            assertThat(get(subjects).statusCode()).isEqualTo(200);
            registry.freeze(); // close() must stop it frozen too
        }
    }

    @Test
    void theRegistryEndsWhenItsParentJvmIsKilledWithoutRunningItsHooks(@TempDir Path temporary) throws Exception {
        // the registry's working directory, which its killed parent cannot remove, goes with this test's directory
        Path parentLog = temporary.resolve("parent.log");
        Process parent = TestJvms.builder(List.of("-Djava.io.tmpdir=" + temporary), RegistryParent.class)
                .redirectError(parentLog.toFile())
                .start();
        Optional<ProcessHandle> registry = Optional.empty();
        try {
            String pidAndUrl = TestJvms.firstLine(parent, REGISTRY_START_TIMEOUT);
            assertThat(pidAndUrl).as(() -> "RegistryParent printed nothing; its log: " + read(parentLog)).isNotNull();
            String[] fields = pidAndUrl.split(" ");
            registry = ProcessHandle.of(Long.parseLong(fields[0]));
            URI subjects = URI.create(fields[1] + "/apis/ccompat/v7/subjects");
            assertThat(registry).as("registry process").isPresent();
            assertThat(get(subjects).statusCode()).isEqualTo(200);

            parent.destroyForcibly().waitFor();

            assertThat(registry.get().onExit()).succeedsWithin(ORPHAN_EXIT_TIMEOUT);
            assertThatThrownBy(() -> get(subjects)).isInstanceOf(ConnectException.class);
        } finally {
            parent.destroyForcibly();
            registry.ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
