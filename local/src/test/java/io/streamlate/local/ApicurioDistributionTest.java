package io.streamlate.local;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApicurioDistributionTest {

    @TempDir
    Path directory;

    @Test
    void theVersionComesFromTheBuild() {
        assertThat(ApicurioDistribution.version()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void unpacksTheArchiveOnceAndLeavesNoPartialDirectory() throws IOException {
        Path archive = tarGz(Map.of("quarkus-run.jar", "launcher", "lib/main/a.jar", "library"));
        Path target = directory.resolve("cache/apicurio-registry-test");

        ApicurioDistribution first = ApicurioDistribution.unpacked(archive, target);
        Files.writeString(target.resolve("marker"), "kept");
        ApicurioDistribution second = ApicurioDistribution.unpacked(archive, target);

        assertThat(first.launcher()).hasContent("launcher");
        assertThat(target.resolve("lib/main/a.jar")).hasContent("library");
        assertThat(second).isEqualTo(first);
        assertThat(target.resolve("marker")).as("second call reused the copy").exists();
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertThat(siblings).containsExactly(target);
        }
    }

    @Test
    void rejectsAnArchiveWithoutTheQuarkusLauncherAndCleansUp() throws IOException {
        Path archive = tarGz(Map.of("README", "not a server"));
        Path target = directory.resolve("cache/apicurio-registry-test");

        assertThatThrownBy(() -> ApicurioDistribution.unpacked(archive, target))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no quarkus-run.jar");
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertThat(siblings).isEmpty();
        }
    }

    @Test
    void rejectsAnEntryThatWouldEscapeTheTarget() throws IOException {
        Path archive = tarGz(Map.of("quarkus-run.jar", "launcher", "../escaped", "outside"));

        assertThatThrownBy(() -> ApicurioDistribution.unpacked(archive, directory.resolve("cache/target")))
                .hasMessageContaining("cannot unpack")
                .hasRootCauseMessage("entry ../escaped escapes the target directory");
        assertThat(directory.resolve("cache/escaped")).doesNotExist();
    }

    @Test
    void aMissingArchiveIsReportedWithTheCommandThatFetchesIt() {
        assertThatThrownBy(() -> ApicurioDistribution.archiveIn(directory, "3.3.3"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(directory.resolve("io/apicurio/apicurio-registry-app/3.3.3").toString())
                .hasMessageContaining("io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all");
    }

    private Path tarGz(Map<String, String> files) throws IOException {
        Path archive = directory.resolve("distribution.tar.gz");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(
                Files.newOutputStream(archive)))) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }
}
