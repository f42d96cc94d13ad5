package io.streamlate.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JavaRuntimesTest {

    @TempDir
    Path jvms;

    @Test
    void picksTheNewestInstallationThatIsRecentEnough() throws IOException {
        install("java-17-openjdk", "17.0.15");
        install("temurin-25-jdk", "25.0.3");
        install("java-21-openjdk", "21.0.8");

        assertThat(JavaRuntimes.findJava(jvms, 21)).isEqualTo(jvms.resolve("temurin-25-jdk/bin/java"));
    }

    @Test
    void skipsDirectoriesWithoutAReleaseFileOrAnExecutableJava() throws IOException {
        install("java-21-openjdk", "21.0.8");
        Files.createDirectories(jvms.resolve("jdk-99/bin"));
        Files.writeString(jvms.resolve("jdk-99/release"), "JAVA_VERSION=\"99\"\n");
        Files.createDirectories(jvms.resolve("default-java/bin"));

        assertThat(JavaRuntimes.findJava(jvms, 21)).isEqualTo(jvms.resolve("java-21-openjdk/bin/java"));
    }

    @Test
    void failsNamingTheVersionAndDirectoryWhenNoneIsRecentEnough() throws IOException {
        install("java-17-openjdk", "17.0.15");

        assertThatThrownBy(() -> JavaRuntimes.findJava(jvms, 21))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no JDK 21+ under " + jvms);
    }

    @Test
    void failsClearlyWhenTheDirectoryDoesNotExist() {
        assertThatThrownBy(() -> JavaRuntimes.findJava(jvms.resolve("missing"), 21))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no JDK directory");
    }

    private void install(String name, String version) throws IOException {
        Path bin = Files.createDirectories(jvms.resolve(name).resolve("bin"));
        Files.createFile(bin.resolve("java"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.writeString(jvms.resolve(name).resolve("release"),
                "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
    }
}
