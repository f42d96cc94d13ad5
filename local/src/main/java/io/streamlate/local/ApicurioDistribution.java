package io.streamlate.local;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The Apicurio Registry server distribution ({@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}, a
 * Quarkus application), taken from the local Maven repository where the build's dependency on it put it, and
 * unpacked once into a cache directory. Tests and the local mode share this one code path.
 *
 * <p>Unpacking goes to a sibling temporary directory that is renamed into place when complete, so an interrupted
 * unpack is never mistaken for a usable one and two JVMs unpacking at once both end with a complete copy.
 */
record ApicurioDistribution(Path home) {

    /** Overrides the local Maven repository, as Maven's own property does. */
    static final String MAVEN_REPOSITORY_PROPERTY = "maven.repo.local";
    /** Overrides where distributions are unpacked; default {@code ~/.cache/streamlate}. */
    static final String CACHE_DIRECTORY_PROPERTY = "streamlate.cache.dir";

    private static final Logger log = LoggerFactory.getLogger(ApicurioDistribution.class);
    private static final String LAUNCHER = "quarkus-run.jar";

    static String version() {
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream("versions.properties")) {
            Properties versions = new Properties();
            versions.load(in);
            return versions.getProperty("apicurio.version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read versions.properties", e);
        }
    }

    /** The distribution of {@link #version()} from the configured repository, unpacked into the configured cache. */
    static ApicurioDistribution resolve() {
        String home = System.getProperty("user.home");
        Path repository = Path.of(System.getProperty(MAVEN_REPOSITORY_PROPERTY, home + "/.m2/repository"));
        Path cache = Path.of(System.getProperty(CACHE_DIRECTORY_PROPERTY, home + "/.cache/streamlate"));
        return unpacked(archiveIn(repository, version()), cache.resolve("apicurio-registry-" + version()));
    }

    static Path archiveIn(Path repository, String version) {
        Path archive = repository.resolve("io/apicurio/apicurio-registry-app/" + version
                + "/apicurio-registry-app-" + version + "-all.tar.gz");
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Apicurio Registry " + version + " is not in the local Maven repository ("
                    + archive + "); run `mvn -pl local verify` once, or `mvn dependency:get "
                    + "-Dartifact=io.apicurio:apicurio-registry-app:" + version + ":tar.gz:all`");
        }
        return archive;
    }

    /** Unpacks {@code archive} into {@code target} unless a complete copy is already there. */
    static ApicurioDistribution unpacked(Path archive, Path target) {
        if (Files.isRegularFile(target.resolve(LAUNCHER))) {
            return new ApicurioDistribution(target);
        }
        long started = System.nanoTime();
        try {
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
            try {
                extract(archive, partial);
                if (!Files.isRegularFile(partial.resolve(LAUNCHER))) {
                    throw new IllegalStateException(archive + " has no " + LAUNCHER + "; not a Quarkus distribution");
                }
                moveIntoPlace(partial, target);
                log.info("Unpacked {} into {} in {} ms", archive.getFileName(), target,
                        (System.nanoTime() - started) / 1_000_000);
            } finally {
                TempDirectories.delete(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + archive + " into " + target, e);
        }
        return new ApicurioDistribution(target);
    }

    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // renaming onto a directory another JVM completed first fails; that copy is as good as ours
            if (!Files.isRegularFile(target.resolve(LAUNCHER))) {
                throw e;
            }
        }
    }

    Path launcher() {
        return home.resolve(LAUNCHER);
    }

    private static void extract(Path archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                new BufferedInputStream(Files.newInputStream(archive))))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path destination = target.resolve(entry.getName()).normalize();
                if (!destination.startsWith(target)) {
                    throw new IOException("entry " + entry.getName() + " escapes the target directory");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else if (entry.isFile()) {
                    Files.createDirectories(destination.getParent());
                    Files.copy(tar, destination);
                }
            }
        }
    }
}
