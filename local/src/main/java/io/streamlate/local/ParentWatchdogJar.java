package io.streamlate.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes the agent jar holding {@link ParentWatchdog}, for a child JVM's {@code -javaagent:} option. The class is
 * copied from this JVM's classpath, so the jar matches the code that starts the child whether that code runs from
 * a jar or from a build's classes directory.
 */
final class ParentWatchdogJar {

    private static final String CLASS_FILE = ParentWatchdog.class.getSimpleName() + ".class";
    private static final String ENTRY = ParentWatchdog.class.getName().replace('.', '/') + ".class";

    private ParentWatchdogJar() {
    }

    /** Writes {@code parent-watchdog.jar} into {@code directory} and returns its path. */
    static Path writeInto(Path directory) {
        Path jar = directory.resolve("parent-watchdog.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", ParentWatchdog.class.getName());
        try (InputStream classFile = ParentWatchdog.class.getResourceAsStream(CLASS_FILE);
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            if (classFile == null) {
                throw new IllegalStateException(CLASS_FILE + " is not on the classpath");
            }
            out.putNextEntry(new JarEntry(ENTRY));
            classFile.transferTo(out);
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jar, e);
        }
        return jar;
    }
}
