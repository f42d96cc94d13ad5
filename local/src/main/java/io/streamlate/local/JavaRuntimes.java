package io.streamlate.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds an installed JDK by feature version. The build runs on Java 17 while Apicurio Registry 3 needs 21+, so the
 * registry runs in a separate process on another JDK found under a directory like {@code /usr/lib/jvm}: each
 * installation's {@code release} file names its version ({@code JAVA_VERSION="25.0.1"}).
 */
final class JavaRuntimes {

    static final Path DEBIAN_JVM_DIRECTORY = Path.of("/usr/lib/jvm");
    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

    private JavaRuntimes() {
    }

    /** The {@code bin/java} of the newest installation under {@code jvmDirectory} whose feature version is enough. */
    static Path findJava(Path jvmDirectory, int minimumFeatureVersion) {
        if (!Files.isDirectory(jvmDirectory)) {
            throw new IllegalStateException("no JDK directory " + jvmDirectory + "; install a JDK "
                    + minimumFeatureVersion + "+ there (e.g. apt-get install openjdk-21-jdk-headless)");
        }
        try (Stream<Path> installations = Files.list(jvmDirectory)) {
            return installations
                    .filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .flatMap(home -> featureVersion(home).stream().map(version -> new Installation(home, version)))
                    .filter(installation -> installation.featureVersion() >= minimumFeatureVersion)
                    .max(Comparator.comparingInt(Installation::featureVersion))
                    .map(installation -> installation.home().resolve("bin/java"))
                    .orElseThrow(() -> new IllegalStateException("no JDK " + minimumFeatureVersion + "+ under "
                            + jvmDirectory + "; install one (e.g. apt-get install openjdk-21-jdk-headless)"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + jvmDirectory, e);
        }
    }

    private static Optional<Integer> featureVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        try {
            Matcher matcher = JAVA_VERSION.matcher(Files.readString(release));
            return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + release, e);
        }
    }

    private record Installation(Path home, int featureVersion) {
    }
}
